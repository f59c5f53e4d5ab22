// One query per object kind, each reading every object of that kind at once. They run on every
// PostgreSQL from 13 up (and PGlite): columns that differ between versions are read through
// to_jsonb(row), which has whatever the version has.

/** Schemas that belong to PostgreSQL itself. */
const userSchema = (column: string) => `${column} NOT IN ('pg_catalog', 'information_schema')
  AND ${column} NOT LIKE 'pg\\_toast%' AND ${column} NOT LIKE 'pg\\_temp\\_%'`

/** The object is a member of an extension (created by CREATE EXTENSION, dropped with it). */
const fromExtension = (catalog: string, oid: string) => `EXISTS (
  SELECT 1 FROM pg_depend e
  WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`

/** Privileges as rows of (grantee, privilege, grantable); the owner's implicit ones included. */
const grants = (acl: string, kind: string, owner: string) => `(
  SELECT coalesce(json_agg(json_build_array(
           CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
           a.privilege_type, a.is_grantable)
         ORDER BY 1), '[]')
  FROM aclexplode(coalesce(${acl}, acldefault('${kind}', ${owner}))) a
  WHERE a.grantee <> ${owner})`

export const version = `SELECT current_setting('server_version_num')::int AS version`

export const schemas = `
SELECT n.nspname AS name,
       obj_description(n.oid, 'pg_namespace') AS comment,
       ${grants('n.nspacl', 'n', 'n.nspowner')} AS grants
FROM pg_namespace n
WHERE ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_namespace', 'n.oid')}`

export const extensions = `
SELECT x.extname AS name, n.nspname AS schema, x.extversion AS version,
       (SELECT a.default_version FROM pg_available_extensions a WHERE a.name = x.extname) AS default_version,
       (SELECT coalesce(json_agg(u.target), '[]') FROM pg_extension_update_paths(x.extname) u
        WHERE u.source = x.extversion AND u.path IS NOT NULL) AS updates
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql'`

export const collations = `
SELECT n.nspname AS schema, c.collname AS name, to_jsonb(c) AS row,
       obj_description(c.oid, 'pg_collation') AS comment
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_collation', 'c.oid')}`

export const enums = `
SELECT n.nspname AS schema, t.typname AS name,
       json_agg(e.enumlabel ORDER BY e.enumsortorder) AS values,
       obj_description(t.oid, 'pg_type') AS comment,
       ${grants('t.typacl', 'T', 't.typowner')} AS grants
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_type', 't.oid')}
GROUP BY t.oid, n.nspname, t.typname`

export const domains = `
SELECT n.nspname AS schema, t.typname AS name,
       format_type(t.typbasetype, t.typtypmod) AS base_type,
       t.typnotnull AS not_null, t.typdefault AS default,
       CASE WHEN t.typcollation <> b.typcollation
            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation,
       (SELECT coalesce(json_agg(json_build_object(
                 'name', k.conname, 'definition', pg_get_constraintdef(k.oid), 'validated', k.convalidated,
                 'comment', obj_description(k.oid, 'pg_constraint'))
               ORDER BY k.conname), '[]')
        FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c') AS checks,
       obj_description(t.oid, 'pg_type') AS comment,
       ${grants('t.typacl', 'T', 't.typowner')} AS grants
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type b ON b.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE t.typtype = 'd' AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_type', 't.oid')}`

export const composites = `
SELECT n.nspname AS schema, t.typname AS name,
       (SELECT coalesce(json_agg(json_build_object(
                 'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                 'collation', CASE WHEN a.attcollation <> at.typcollation
                                   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END)
               ORDER BY a.attnum), '[]')
        FROM pg_attribute a
        JOIN pg_type at ON at.oid = a.atttypid
        LEFT JOIN pg_collation co ON co.oid = a.attcollation
        LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
        WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attributes,
       obj_description(t.oid, 'pg_type') AS comment,
       ${grants('t.typacl', 'T', 't.typowner')} AS grants
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid
WHERE t.typtype = 'c' AND c.relkind = 'c'
  AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_type', 't.oid')}`

const sequenceOptions = (s: string) => `json_build_object(
  'type', format_type(${s}.seqtypid, NULL), 'start', ${s}.seqstart::text,
  'increment', ${s}.seqincrement::text, 'min', ${s}.seqmin::text, 'max', ${s}.seqmax::text,
  'cache', ${s}.seqcache::text, 'cycle', ${s}.seqcycle)`

/** Sequences, except those behind identity columns (they belong to their column). */
export const sequences = `
SELECT n.nspname AS schema, c.relname AS name, ${sequenceOptions('s')} AS options,
       (SELECT json_build_object('schema', tn.nspname, 'table', t.relname, 'column', a.attname)
        FROM pg_depend d
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_namespace tn ON tn.oid = t.relnamespace
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' AND d.refobjsubid > 0) AS owned_by,
       obj_description(c.oid, 'pg_class') AS comment,
       ${grants('c.relacl', 's', 'c.relowner')} AS grants
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind = 'S' AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_class', 'c.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')`

/** Tables, partitioned tables, views and materialized views. */
export const relations = `
SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind,
       c.relpersistence AS persistence,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       (SELECT coalesce(json_agg(json_build_array(pn.nspname, p.relname) ORDER BY i.inhseqno), '[]')
        FROM pg_inherits i
        JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace pn ON pn.oid = p.relnamespace
        WHERE i.inhrelid = c.oid) AS parents,
       array_to_json(coalesce(c.reloptions, '{}')) AS options,
       c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security,
       c.relreplident AS replica_identity,
       (SELECT ic.relname FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
        WHERE x.indrelid = c.oid AND x.indisreplident) AS replica_index,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS definition,
       obj_description(c.oid, 'pg_class') AS comment,
       ${grants('c.relacl', 'r', 'c.relowner')} AS grants
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm')
  AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_class', 'c.oid')}`

export const columns = `
SELECT a.attrelid::int AS oid, a.attname AS name, a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated,
       a.attidentity AS identity,
       CASE WHEN a.attidentity <> '' THEN (
         SELECT json_build_object('sequence', sc.relname, 'options', ${sequenceOptions('s')})
         FROM pg_depend sd
         JOIN pg_class sc ON sc.oid = sd.objid
         JOIN pg_sequence s ON s.seqrelid = sc.oid
         WHERE sd.classid = 'pg_class'::regclass AND sd.refclassid = 'pg_class'::regclass
           AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum AND sd.deptype = 'i'
         LIMIT 1) END AS identity_sequence,
       CASE WHEN a.attcollation <> t.typcollation
            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation,
       a.attislocal AS local, a.attinhcount > 0 AS inherited,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage, t.typstorage::text AS type_storage,
       nullif(to_jsonb(a) ->> 'attcompression', '') AS compression,
       (SELECT k.conname FROM pg_constraint k
        WHERE k.conrelid = a.attrelid AND k.contype = 'n' AND k.conkey[1] = a.attnum) AS not_null_name,
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::int END AS statistics,
       (SELECT coalesce(json_agg(json_build_array(
                 CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(g.grantee) END,
                 g.privilege_type, g.is_grantable) ORDER BY 1), '[]')
        FROM aclexplode(a.attacl) g) AS grants,
       col_description(a.attrelid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
  AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_class', 'c.oid')}
ORDER BY a.attrelid, a.attnum`

/**
 * Table constraints. Not-null constraints (PostgreSQL 18) are read as columns' NOT NULL.
 * A partition's foreign keys cloned from its parent's (conparentid) are the parent's; its keys
 * attached to the parent's keys are its own (they have a name and an index of their own, which
 * pg_dump prints), with `parent` naming the key they are attached to.
 */
export const constraints = `
SELECT k.conrelid::int AS oid, k.conname AS name, k.contype AS type,
       pg_get_constraintdef(k.oid) AS definition, k.convalidated AS validated,
       k.conislocal AS local, k.coninhcount > 0 AS inherited,
       (SELECT pn.nspname || '.' || pc.relname || '.' || pk.conname
        FROM pg_constraint pk JOIN pg_class pc ON pc.oid = pk.conrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE pk.oid = k.conparentid) AS parent,
       obj_description(k.oid, 'pg_constraint') AS comment
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND (k.conparentid = 0 OR k.contype <> 'f')
  AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_class', 'c.oid')}
ORDER BY k.conrelid, k.conname`

/**
 * Indexes that are not a constraint's (those come with their constraint). A partition's index
 * attached to its parent's index is read too (its name is its own), with `parent` naming the
 * index it is attached to; `valid` is false for a partitioned index some partition lacks.
 */
export const indexes = `
SELECT n.nspname AS schema, ic.relname AS name, c.relname AS table,
       pg_get_indexdef(x.indexrelid) AS definition, x.indisvalid AS valid,
       (SELECT pn.nspname || '.' || p.relname FROM pg_inherits i
        JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
        WHERE i.inhrelid = x.indexrelid) AS parent,
       obj_description(ic.oid, 'pg_class') AS comment
FROM pg_index x
JOIN pg_class ic ON ic.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_class', 'c.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x')
                  AND k.conrelid = x.indrelid)`

export const routines = `
SELECT n.nspname AS schema, p.proname AS name, p.prokind AS kind,
       pg_get_function_identity_arguments(p.oid) AS identity,
       pg_get_function_arguments(p.oid) AS arguments,
       CASE WHEN p.prokind = 'f' THEN pg_get_function_result(p.oid) END AS result,
       pg_get_functiondef(p.oid) AS definition,
       obj_description(p.oid, 'pg_proc') AS comment,
       ${grants('p.proacl', 'f', 'p.proowner')} AS grants
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p')
  AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_proc', 'p.oid')}`

/**
 * User triggers. A partition's clones of its parent's triggers (tgparentid) are the parent's,
 * but each can be enabled or disabled on its own: read with `clone` set.
 */
export const triggers = `
SELECT g.tgrelid::int AS oid, g.tgname AS name, pg_get_triggerdef(g.oid) AS definition,
       g.tgenabled::text AS enabled, g.tgparentid <> 0 AS clone, obj_description(g.oid, 'pg_trigger') AS comment
FROM pg_trigger g
JOIN pg_class c ON c.oid = g.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT g.tgisinternal
  AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_class', 'c.oid')}`

export const policies = `
SELECT p.polrelid::int AS oid, p.polname AS name, p.polpermissive AS permissive,
       p.polcmd::text AS command,
       array_to_json(CASE WHEN p.polroles = '{0}' THEN ARRAY['PUBLIC']
            ELSE ARRAY(SELECT r.rolname::text FROM pg_roles r WHERE r.oid = ANY (p.polroles) ORDER BY r.rolname) END) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using,
       pg_get_expr(p.polwithcheck, p.polrelid) AS check,
       obj_description(p.oid, 'pg_policy') AS comment
FROM pg_policy p`

/**
 * Every pg_depend edge between two objects the introspection knows, as keys (see model.ts).
 * Columns of tables fold into the table, except that `ref_column` names the column depended on;
 * a view's rewrite rule stands for the view; row and array types stand for their relation or
 * element type; a column default is `default:<schema>.<table>.<column>`.
 */
export const dependencies = `
WITH raw AS (
  SELECT 'pg_class'::regclass AS classid, c.oid AS objid,
         CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                        WHEN 'm' THEN 'view' WHEN 'S' THEN 'sequence' WHEN 'c' THEN 'type'
                        ELSE 'index' END || ':' || n.nspname || '.' || c.relname AS key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c', 'i', 'I') AND ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'pg_type'::regclass, t.oid,
         CASE WHEN t.typtype = 'c' AND c.relkind <> 'c'
              THEN CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END || ':' || n.nspname || '.' || c.relname
              ELSE 'type:' || en.nspname || '.' || e.typname END
  FROM pg_type t
  LEFT JOIN pg_type e ON e.oid = CASE WHEN t.typelem <> 0 AND t.typcategory = 'A' THEN t.typelem ELSE t.oid END
  LEFT JOIN pg_namespace en ON en.oid = e.typnamespace
  LEFT JOIN pg_class c ON c.oid = e.typrelid
  LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ${userSchema('en.nspname')}
  UNION ALL
  SELECT 'pg_proc'::regclass, p.oid,
         'function:' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'pg_constraint'::regclass, k.oid,
         CASE WHEN k.contypid <> 0 THEN 'type:' || n.nspname || '.' || t.typname
              ELSE 'constraint:' || n.nspname || '.' || c.relname || '.' || k.conname END
  FROM pg_constraint k
  JOIN pg_namespace n ON n.oid = k.connamespace
  LEFT JOIN pg_class c ON c.oid = k.conrelid
  LEFT JOIN pg_type t ON t.oid = k.contypid
  WHERE ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'pg_trigger'::regclass, g.oid, 'trigger:' || n.nspname || '.' || c.relname || '.' || g.tgname
  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE NOT g.tgisinternal
  UNION ALL
  SELECT 'pg_policy'::regclass, p.oid, 'policy:' || n.nspname || '.' || c.relname || '.' || p.polname
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  UNION ALL
  SELECT 'pg_attrdef'::regclass, d.oid, 'default:' || n.nspname || '.' || c.relname || '.' || a.attname
  FROM pg_attrdef d
  JOIN pg_class c ON c.oid = d.adrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
  UNION ALL
  SELECT 'pg_rewrite'::regclass, r.oid,
         CASE WHEN c.relkind = 'm' OR c.relkind = 'v' THEN 'view' ELSE 'table' END || ':' || n.nspname || '.' || c.relname
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
  UNION ALL
  SELECT 'pg_namespace'::regclass, n.oid, 'schema:' || n.nspname
  FROM pg_namespace n WHERE ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'pg_extension'::regclass, x.oid, 'extension:' || x.extname FROM pg_extension x
  UNION ALL
  SELECT 'pg_collation'::regclass, co.oid, 'collation:' || n.nspname || '.' || co.collname
  FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
  WHERE ${userSchema('n.nspname')}
),
-- An extension's member (its types, functions) stands for the extension.
objects AS (
  SELECT r.classid, r.objid, coalesce('extension:' || x.extname, r.key) AS key
  FROM raw r
  LEFT JOIN pg_depend e ON e.classid = r.classid AND e.objid = r.objid AND e.deptype = 'e'
  LEFT JOIN pg_extension x ON x.oid = e.refobjid
)
-- Objects PostgreSQL made before the first user object (FirstNormalObjectId, 16384) depend on
-- nothing of the user's: leaving them out first halves the time of the query.
SELECT DISTINCT f.key AS "from", t.key AS "to",
       CASE WHEN d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 THEN a.attname END AS column
FROM pg_depend d
JOIN objects f ON f.classid = d.classid AND f.objid = d.objid
JOIN objects t ON t.classid = d.refclassid AND t.objid = d.refobjid
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND f.key <> t.key`

/** Objects of kinds the comparison does not cover, counted by kind. */
export const uncovered = `
SELECT kind, count(*)::int AS count FROM (
  SELECT 'event trigger' AS kind FROM pg_event_trigger
  UNION ALL
  SELECT 'rule' FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE r.rulename <> '_RETURN' AND ${userSchema('n.nspname')}
  UNION ALL
  SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE p.prokind IN ('a', 'w') AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_proc', 'p.oid')}
  UNION ALL
  SELECT 'foreign table' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'f' AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_class', 'c.oid')}
  UNION ALL
  SELECT 'range type' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE t.typtype IN ('r', 'm') AND ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_type', 't.oid')}
  UNION ALL
  SELECT 'operator' FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
  WHERE ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_operator', 'o.oid')}
  UNION ALL
  SELECT 'cast' FROM pg_cast c WHERE c.oid >= 16384 AND NOT ${fromExtension('pg_cast', 'c.oid')}
  UNION ALL
  SELECT 'text search configuration' FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
  WHERE ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_ts_config', 'c.oid')}
  UNION ALL
  SELECT 'statistics object' FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
  WHERE ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'publication' FROM pg_publication
  UNION ALL
  SELECT 'default privileges' FROM pg_default_acl

  UNION ALL
  SELECT 'table in a tablespace' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.reltablespace <> 0 AND ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'column option' FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE a.attoptions IS NOT NULL AND a.attnum > 0 AND c.relkind IN ('r', 'p', 'm') AND ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'clustered index' FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE x.indisclustered AND ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'index statistics target' FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('i', 'I') AND a.attstattarget > 0 AND ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'table access method' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am m ON m.oid = c.relam
  WHERE c.relkind IN ('r', 'm') AND m.amname <> 'heap' AND ${userSchema('n.nspname')}
  UNION ALL
  SELECT 'security label' FROM pg_seclabel
  UNION ALL
  SELECT 'conversion' FROM pg_conversion c JOIN pg_namespace n ON n.oid = c.connamespace
  WHERE ${userSchema('n.nspname')} AND NOT ${fromExtension('pg_conversion', 'c.oid')}
) o GROUP BY kind ORDER BY kind`

/** Every cast, by type names as format_type prints them. */
export const casts = `
SELECT format_type(c.castsource, NULL) AS source, format_type(c.casttarget, NULL) AS target FROM pg_cast c`
