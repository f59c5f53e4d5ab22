-- Backfill: emails are stored in lower case from now on.
update users set email = lower(email);
