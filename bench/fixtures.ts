// Generated inputs: folders of small migrations, and the psql script that is the baseline for
// applying them (each file in its own transaction with a history insert, in one session); a
// project of many tables for check and diff; a product's history of migrations for lint.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface Migration {
  version: string
  name: string
  file: string
  text: string
}

function migration(n: number, width: number): Migration {
  const version = String(n).padStart(width, '0')
  const name = `create_t_${n}`
  return {
    version,
    name,
    file: `${version}_${name}.up.sql`,
    text: `create table t_${n} (id int primary key, v text);\ninsert into t_${n} values (1, 'x');\n`,
  }
}

/** Write `count` migrations into `dir` (created); versions are zero-padded so names sort. */
export function writeMigrations(dir: string, count: number): Migration[] {
  mkdirSync(dir, { recursive: true })
  const width = String(count).length
  const list = Array.from({ length: count }, (_, i) => migration(i + 1, width))
  for (const m of list) writeFileSync(path.join(dir, m.file), m.text)
  return list
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/**
 * The hand-written equivalent of `tinymigrate up`: a history table, then per file
 * `begin; \ir file; insert into history …; commit;`. `\ir` resolves next to the script, so the
 * script names the migrations folder relative to itself.
 */
export function writePsqlScript(script: string, dir: string, list: Migration[]): void {
  const folder = path.relative(path.dirname(script), dir).split(path.sep).join('/')
  const lines = [
    'create table bench_history (',
    '  version    text        primary key,',
    '  name       text        not null,',
    '  checksum   text        not null,',
    '  applied_at timestamptz not null default now()',
    ');',
  ]
  for (const m of list) {
    const checksum = createHash('sha256').update(m.text).digest('hex')
    lines.push(
      'begin;',
      `\\ir ${folder}/${m.file}`,
      `insert into bench_history (version, name, checksum) values (${literal(m.version)}, ${literal(m.name)}, ${literal(checksum)});`,
      'commit;',
    )
  }
  writeFileSync(script, lines.join('\n') + '\n')
}

/** The files as they are, one after another in one session (`psql -f` of `\\ir` lines): no transactions added, no history. */
export function writePlainPsqlScript(script: string, dir: string, list: Migration[]): void {
  const folder = path.relative(path.dirname(script), dir).split(path.sep).join('/')
  writeFileSync(script, list.map((m) => `\\ir ${folder}/${m.file}`).join('\n') + '\n')
}

// --- a project for check and diff: many tables, migrations and schema.sql that agree -----------

export interface SchemaProject {
  /** The migrations folder, schema.sql included. */
  dir: string
  schema: string
  /** Migration files in order, names only. */
  files: string[]
}

const tableName = (n: number) => `t_${String(n).padStart(4, '0')}`

/**
 * Table n as schema.sql declares it: 5 columns, a primary key, 1 foreign key (to table n - 1; the
 * first table to itself) and 2 indexes.
 */
function declared(n: number, changed: boolean): string {
  const t = tableName(n)
  const parent = tableName(Math.max(1, n - 1))
  return [
    `create table public.${t} (`,
    '    id bigint generated always as identity primary key,',
    `    parent_id bigint references public.${parent} (id) on delete cascade,`,
    '    name text not null,',
    '    created_at timestamptz not null default now(),',
    `    amount numeric(12, 2) not null default 0${changed ? ',' : ''}`,
    ...(changed ? ['    note text'] : []),
    ');',
    `create index ${t}_parent_idx on public.${t} (parent_id);`,
    changed ? `create index ${t}_name_idx on public.${t} (name);` : `create index ${t}_name_idx on public.${t} (name, created_at);`,
  ].join('\n')
}

/** schema.sql for `tables` tables; `changed`: one table (the middle one) gets a column and another index. */
export function schemaText(tables: number, changed?: number): string {
  const parts = ['-- Generated: the schema the migrations give.', '']
  for (let n = 1; n <= tables; n++) parts.push(declared(n, n === changed), '')
  return parts.join('\n')
}

/**
 * `tables` tables in migrations the way a project grows: files of `perFile` tables with four
 * columns, one index and the foreign key, then files that add the fifth column and the second
 * index to `perFile * 10` tables at a time. schema.sql declares the same tables at once.
 */
export function writeSchemaProject(dir: string, tables: number, perFile = 10): SchemaProject {
  mkdirSync(dir, { recursive: true })
  const files: string[] = []
  const write = (name: string, text: string) => {
    files.push(name)
    writeFileSync(path.join(dir, name), text)
  }
  const creating = Math.ceil(tables / perFile)
  const adding = Math.ceil(tables / (perFile * 10))
  const width = String(creating + adding).length
  const version = () => String(files.length + 1).padStart(width, '0')
  for (let first = 1; first <= tables; first += perFile) {
    const last = Math.min(tables, first + perFile - 1)
    const sql: string[] = []
    for (let n = first; n <= last; n++) {
      const t = tableName(n)
      sql.push(
        `create table ${t} (`,
        '    id bigint generated always as identity primary key,',
        `    parent_id bigint references ${tableName(Math.max(1, n - 1))} (id) on delete cascade,`,
        '    name text not null,',
        '    created_at timestamptz not null default now()',
        ');',
        `create index ${t}_parent_idx on ${t} (parent_id);`,
        '',
      )
    }
    write(`${version()}_tables_${tableName(first)}_${tableName(last)}.up.sql`, sql.join('\n'))
  }
  for (let first = 1; first <= tables; first += perFile * 10) {
    const last = Math.min(tables, first + perFile * 10 - 1)
    const sql: string[] = []
    for (let n = first; n <= last; n++) {
      const t = tableName(n)
      sql.push(`alter table ${t} add column amount numeric(12, 2) not null default 0;`, `create index ${t}_name_idx on ${t} (name, created_at);`)
    }
    write(`${version()}_amounts_${tableName(first)}_${tableName(last)}.up.sql`, sql.join('\n') + '\n')
  }
  const schema = path.join(dir, 'schema.sql')
  writeFileSync(schema, schemaText(tables))
  return { dir, schema, files }
}

/**
 * The psql scripts that load each side into a new database, as check does on scratch databases:
 * the migrations (`<prefix>migrated.psql` into database `<name>_migrated`) and schema.sql
 * (`<prefix>declared.psql` into `<name>_declared`).
 */
export function writeLoadScripts(prefix: string, project: SchemaProject, name: string): { migrated: string; declared: string } {
  const folder = path.relative(path.dirname(prefix), project.dir).split(path.sep).join('/')
  const script = (side: string, files: string[]) => {
    const file = `${prefix}${side}.psql`
    const lines = [`create database ${name}_${side};`, `\\c ${name}_${side}`, ...files.map((f) => `\\ir ${folder}/${f}`)]
    writeFileSync(file, lines.join('\n') + '\n')
    return file
  }
  return { migrated: script('migrated', project.files), declared: script('declared', ['schema.sql']) }
}

// --- a product's history: the project `lint` is measured on -----------------------------------

type OnDelete = 'cascade' | 'restrict' | 'set null'

/** A table as first created; what later migrations add is worked out as the history is written. */
interface TableSpec {
  name: string
  /** The table comment. */
  about: string
  /** Columns besides the key, the foreign keys of `refs`, created_at and updated_at: SQL lines. */
  cols: string[]
  /** Foreign-key columns to `table (id)`: bigint, NOT NULL unless ON DELETE SET NULL; each gets an index unless a key leads with it. */
  refs?: [column: string, table: string, onDelete: OnDelete][]
  /** Primary key columns instead of an identity id. */
  key?: string
  /** UNIQUE constraints, column lists. */
  unique?: string[]
  checks?: string[]
  /** Indexes created with the table: `name: (columns) [where …]`, `unique` in front for a unique one. */
  indexes?: string[]
  /** Indexes a later migration adds, same form (the name may be left out). */
  later?: string[]
  /** An updated_at column kept by the set_updated_at trigger. */
  updated?: boolean
  /** Enum types created in the same migration, before the table. */
  enums?: string[]
  /** Created in the same migration as the table before it. */
  withPrevious?: boolean
}

const productEnums: Record<string, string[]> = {
  member_role: ['owner', 'admin', 'member'],
  order_status: ['pending', 'paid', 'fulfilled', 'cancelled'],
  payment_status: ['pending', 'authorized', 'captured', 'failed'],
  shipment_status: ['pending', 'shipped', 'delivered', 'returned'],
  subscription_status: ['trialing', 'active', 'past_due', 'canceled'],
  ticket_status: ['open', 'pending', 'solved', 'closed'],
}

/** Values a later migration adds to an enum (ALTER TYPE … ADD VALUE): [type, value, after]. */
const enumAdditions: [string, string, string][] = [
  ['member_role', 'viewer', 'member'],
  ['order_status', 'refunded', 'cancelled'],
  ['payment_status', 'refunded', 'failed'],
  ['shipment_status', 'lost', 'returned'],
  ['order_status', 'partially_refunded', 'refunded'],
  ['subscription_status', 'paused', 'past_due'],
]

const productTables: TableSpec[] = [
  { name: 'accounts', about: 'A customer of the product: a shop with its own catalogue, orders and users.', updated: true,
    cols: ['name text not null', 'slug text not null', 'billing_email text', 'timezone text not null default \'UTC\''], unique: ['slug'], later: ['(created_at)'] },
  { name: 'users', about: 'A person who signs in; belongs to accounts through memberships.', updated: true, withPrevious: true,
    cols: ['email text not null', 'full_name text', 'password_hash text', 'last_login_at timestamptz'],
    indexes: ['unique users_email_key: (lower(email))'], later: ['users_recent_login_idx: (last_login_at) where last_login_at is not null'] },
  { name: 'memberships', about: 'Which users belong to which accounts, and with what role.', enums: ['member_role'], withPrevious: true,
    cols: ['role member_role not null default \'member\''], refs: [['account_id', 'accounts', 'cascade'], ['user_id', 'users', 'cascade']], unique: ['account_id, user_id'] },
  { name: 'sessions', about: 'Sign-in sessions; the token itself is never stored.',
    cols: ['token_hash text not null', 'expires_at timestamptz not null', 'ip_address inet', 'user_agent text'], refs: [['user_id', 'users', 'cascade']],
    unique: ['token_hash'], later: ['(expires_at)'] },
  { name: 'api_keys', about: 'Keys for the public API; only a prefix and a hash are kept.',
    cols: ['name text not null', 'key_prefix text not null', 'key_hash text not null', 'last_used_at timestamptz', 'revoked_at timestamptz'],
    refs: [['account_id', 'accounts', 'cascade']], unique: ['key_prefix'], later: ['api_keys_live_idx: (account_id) where revoked_at is null'] },
  { name: 'currencies', about: 'ISO 4217 currencies the product can price in.', key: 'code',
    cols: ['code char(3) not null', 'name text not null', 'exponent smallint not null default 2'] },
  { name: 'countries', about: 'ISO 3166 countries, for addresses and tax.', key: 'code',
    cols: ['code char(2) not null', 'name text not null', 'currency_code char(3) not null references currencies (code)'], indexes: ['(currency_code)'] },
  { name: 'categories', about: 'A tree of product categories per account.', updated: true,
    cols: ['name text not null', 'slug text not null', 'position integer not null default 0'],
    refs: [['account_id', 'accounts', 'cascade'], ['parent_id', 'categories', 'set null']], unique: ['account_id, slug'] },
  { name: 'products', about: 'What an account sells; the variants carry the SKUs and stock.', updated: true,
    cols: ['sku text not null', 'name text not null', 'description text', 'status text not null default \'draft\'', 'price_cents integer not null', 'currency_code char(3) not null references currencies (code)'],
    refs: [['account_id', 'accounts', 'cascade']], unique: ['account_id, sku'],
    later: ['products_active_idx: (account_id) where status = \'active\'', '(account_id, created_at)', '(currency_code)'] },
  { name: 'product_variants', about: 'A sellable version of a product (size, colour).', updated: true, withPrevious: true,
    cols: ['sku text not null', 'title text not null', 'price_cents integer', 'weight_grams integer'], refs: [['product_id', 'products', 'cascade']], unique: ['product_id, sku'] },
  { name: 'product_images', about: 'Images of a product, in display order.',
    cols: ['url text not null', 'alt_text text', 'position integer not null default 0'], refs: [['product_id', 'products', 'cascade']], later: ['(product_id, position)'] },
  { name: 'product_categories', about: 'Which categories a product is listed in.', key: 'product_id, category_id',
    cols: [], refs: [['product_id', 'products', 'cascade'], ['category_id', 'categories', 'cascade']] },
  { name: 'tags', about: 'Free-form labels an account puts on products.', cols: ['name text not null'], refs: [['account_id', 'accounts', 'cascade']], unique: ['account_id, name'] },
  { name: 'product_tags', about: 'Which tags a product carries.', key: 'product_id, tag_id', withPrevious: true,
    cols: [], refs: [['product_id', 'products', 'cascade'], ['tag_id', 'tags', 'cascade']] },
  { name: 'warehouses', about: 'Places stock is kept and shipped from.', cols: ['name text not null', 'country_code char(2) references countries (code)', 'address text'],
    refs: [['account_id', 'accounts', 'cascade']], indexes: ['(country_code)'] },
  { name: 'inventory_levels', about: 'Stock of each variant in each warehouse.', updated: true,
    cols: ['on_hand integer not null default 0', 'reserved integer not null default 0'], refs: [['variant_id', 'product_variants', 'cascade'], ['warehouse_id', 'warehouses', 'cascade']],
    unique: ['variant_id, warehouse_id'], checks: ['reserved >= 0'] },
  { name: 'inventory_movements', about: 'Every change of stock, applied to inventory_levels by a trigger.',
    cols: ['quantity integer not null', 'reason text not null', 'reference text'], refs: [['variant_id', 'product_variants', 'cascade'], ['warehouse_id', 'warehouses', 'restrict']],
    later: ['(variant_id, created_at)'] },
  { name: 'customers', about: 'People who buy from an account\'s shop.', updated: true,
    cols: ['email text not null', 'first_name text', 'last_name text', 'phone text', 'accepts_marketing boolean not null default false'],
    refs: [['account_id', 'accounts', 'cascade']], indexes: ['unique customers_account_id_email_key: (account_id, lower(email))'], later: ['(account_id, last_name, first_name)'] },
  { name: 'addresses', about: 'Postal addresses of customers.',
    cols: ['line1 text not null', 'line2 text', 'city text not null', 'region text', 'postal_code text', 'country_code char(2) not null references countries (code)', 'is_default boolean not null default false'],
    refs: [['customer_id', 'customers', 'cascade']], later: ['unique addresses_one_default_key: (customer_id) where is_default'] },
  { name: 'carts', about: 'Shopping carts, also of visitors who have not signed in.', updated: true,
    cols: ['token text not null', 'currency_code char(3) not null references currencies (code)'], refs: [['account_id', 'accounts', 'cascade'], ['customer_id', 'customers', 'set null']],
    unique: ['token'], later: ['carts_anonymous_idx: (updated_at) where customer_id is null'] },
  { name: 'cart_items', about: 'What is in a cart.', withPrevious: true, cols: ['quantity integer not null'], checks: ['quantity > 0'],
    refs: [['cart_id', 'carts', 'cascade'], ['variant_id', 'product_variants', 'cascade']], unique: ['cart_id, variant_id'] },
  { name: 'orders', about: 'A placed order; amounts are in the order\'s currency, in minor units.', updated: true, enums: ['order_status'],
    cols: ['number text not null', 'status order_status not null default \'pending\'', 'currency_code char(3) not null references currencies (code)',
      'subtotal_cents bigint not null default 0', 'tax_cents bigint not null default 0', 'total_cents bigint not null default 0', 'placed_at timestamptz'],
    refs: [['account_id', 'accounts', 'restrict'], ['customer_id', 'customers', 'restrict']], unique: ['account_id, number'],
    later: ['(account_id, placed_at)', 'orders_pending_idx: (created_at) where status = \'pending\''] },
  { name: 'order_items', about: 'The lines of an order, priced as they were when it was placed.', withPrevious: true,
    cols: ['quantity integer not null', 'unit_price_cents integer not null', 'title text not null'], refs: [['order_id', 'orders', 'cascade'], ['variant_id', 'product_variants', 'restrict']] },
  { name: 'legacy_order_notes', about: 'Free-text notes on orders (replaced by support tickets).', cols: ['note text not null'], refs: [['order_id', 'orders', 'cascade']] },
  { name: 'payments', about: 'Payments taken for orders through a payment provider.', updated: true, enums: ['payment_status'],
    cols: ['status payment_status not null default \'pending\'', 'amount_cents bigint not null', 'provider text not null', 'provider_ref text'], refs: [['order_id', 'orders', 'restrict']],
    later: ['unique payments_provider_ref_key: (provider, provider_ref) where provider_ref is not null'] },
  { name: 'refunds', about: 'Money given back against a payment.', cols: ['amount_cents bigint not null', 'reason text'], refs: [['payment_id', 'payments', 'restrict']] },
  { name: 'shipping_methods', about: 'The ways an account ships, with their flat price.', cols: ['name text not null', 'price_cents integer not null default 0', 'active boolean not null default true'],
    refs: [['account_id', 'accounts', 'cascade']] },
  { name: 'shipments', about: 'Parcels sent for an order.', updated: true, enums: ['shipment_status'],
    cols: ['status shipment_status not null default \'pending\'', 'carrier text', 'tracking_number text', 'shipped_at timestamptz', 'delivered_at timestamptz'],
    refs: [['order_id', 'orders', 'cascade'], ['shipping_method_id', 'shipping_methods', 'set null']], later: ['(carrier, tracking_number)'] },
  { name: 'shipment_items', about: 'Which order lines a shipment holds.', withPrevious: true, cols: ['quantity integer not null'],
    refs: [['shipment_id', 'shipments', 'cascade'], ['order_item_id', 'order_items', 'cascade']] },
  { name: 'suppliers', about: 'Who an account buys stock from.', updated: true, cols: ['name text not null', 'email text', 'phone text'], refs: [['account_id', 'accounts', 'cascade']] },
  { name: 'purchase_orders', about: 'Stock ordered from a supplier.', cols: ['number text not null', 'expected_on date', 'received_at timestamptz'],
    refs: [['account_id', 'accounts', 'cascade'], ['supplier_id', 'suppliers', 'restrict'], ['warehouse_id', 'warehouses', 'restrict']], unique: ['account_id, number'] },
  { name: 'purchase_order_items', about: 'The lines of a purchase order.', withPrevious: true, cols: ['quantity integer not null', 'unit_cost_cents integer not null'],
    refs: [['purchase_order_id', 'purchase_orders', 'cascade'], ['variant_id', 'product_variants', 'restrict']] },
  { name: 'coupons', about: 'Discount codes.', cols: ['code text not null', 'percent_off numeric(5,2)', 'amount_off_cents integer', 'expires_at timestamptz', 'max_redemptions integer'],
    refs: [['account_id', 'accounts', 'cascade']], checks: ['percent_off is not null or amount_off_cents is not null'],
    indexes: ['unique coupons_account_id_code_key: (account_id, upper(code))'] },
  { name: 'coupon_redemptions', about: 'Each use of a coupon.', cols: [],
    refs: [['coupon_id', 'coupons', 'cascade'], ['order_id', 'orders', 'cascade'], ['customer_id', 'customers', 'set null']], unique: ['coupon_id, order_id'] },
  { name: 'tax_rates', about: 'Sales tax by country and region.', cols: ['country_code char(2) not null references countries (code)', 'region text', 'rate numeric(6,4) not null', 'name text not null'],
    indexes: ['(country_code, region)'] },
  { name: 'invoices', about: 'Invoices sent to customers, numbered per account.', enums: [],
    cols: ['number text not null', 'issued_at timestamptz not null default now()', 'due_at timestamptz', 'paid_at timestamptz', 'total_cents bigint not null'],
    refs: [['account_id', 'accounts', 'restrict'], ['order_id', 'orders', 'set null']], unique: ['account_id, number'], later: ['invoices_unpaid_idx: (due_at) where paid_at is null'] },
  { name: 'invoice_lines', about: 'The lines of an invoice.', withPrevious: true, cols: ['description text not null', 'quantity integer not null default 1', 'amount_cents bigint not null'],
    refs: [['invoice_id', 'invoices', 'cascade']] },
  { name: 'plans', about: 'The product\'s own price plans.', cols: ['code text not null', 'name text not null', 'monthly_price_cents integer not null', 'active boolean not null default true'], unique: ['code'] },
  { name: 'subscriptions', about: 'Which plan each account pays for.', updated: true, enums: ['subscription_status'],
    cols: ['status subscription_status not null default \'trialing\'', 'current_period_end timestamptz', 'canceled_at timestamptz'],
    refs: [['account_id', 'accounts', 'cascade'], ['plan_id', 'plans', 'restrict']], later: ['(status, current_period_end)'] },
  { name: 'subscription_items', about: 'Add-ons billed with a subscription.', withPrevious: true, cols: ['quantity integer not null default 1'],
    refs: [['subscription_id', 'subscriptions', 'cascade'], ['product_id', 'products', 'restrict']] },
  { name: 'webhook_endpoints', about: 'URLs an account wants events posted to.', updated: true,
    cols: ['url text not null', 'secret text not null', 'enabled boolean not null default true', 'event_types text[] not null default \'{}\''], refs: [['account_id', 'accounts', 'cascade']] },
  { name: 'webhook_deliveries', about: 'Each attempt to post an event to an endpoint.',
    cols: ['event_type text not null', 'payload jsonb not null', 'response_status integer', 'attempt integer not null default 1', 'delivered_at timestamptz'],
    refs: [['endpoint_id', 'webhook_endpoints', 'cascade']], later: ['webhook_deliveries_undelivered_idx: (created_at) where delivered_at is null', '(endpoint_id, created_at)'] },
  { name: 'audit_events', about: 'Who did what in an account, for the audit log.',
    cols: ['action text not null', 'subject_type text', 'subject_id bigint', 'data jsonb not null default \'{}\''],
    refs: [['account_id', 'accounts', 'cascade'], ['user_id', 'users', 'set null']], later: ['(account_id, created_at)', '(subject_type, subject_id)'] },
  { name: 'notifications', about: 'Messages shown to a user in the app.', cols: ['kind text not null', 'body text not null', 'read_at timestamptz'],
    refs: [['user_id', 'users', 'cascade']], later: ['notifications_unread_idx: (user_id) where read_at is null'] },
  { name: 'notification_preferences', about: 'Which notifications a user wants, per channel.', cols: ['channel text not null', 'kind text not null', 'enabled boolean not null default true'],
    refs: [['user_id', 'users', 'cascade']], unique: ['user_id, channel, kind'] },
  { name: 'reviews', about: 'Product reviews by customers.', updated: true,
    cols: ['rating smallint not null', 'title text', 'body text', 'published boolean not null default false'], checks: ['rating between 1 and 5'],
    refs: [['product_id', 'products', 'cascade'], ['customer_id', 'customers', 'set null']], later: ['reviews_published_idx: (product_id, created_at) where published'] },
  { name: 'review_votes', about: 'Whether customers found a review helpful.', withPrevious: true, cols: ['helpful boolean not null'],
    refs: [['review_id', 'reviews', 'cascade'], ['customer_id', 'customers', 'cascade']], unique: ['review_id, customer_id'] },
  { name: 'wishlists', about: 'Lists of variants a customer keeps for later.', cols: ['name text not null default \'Wishlist\''], refs: [['customer_id', 'customers', 'cascade']] },
  { name: 'wishlist_items', about: 'What is on a wishlist.', withPrevious: true, cols: [],
    refs: [['wishlist_id', 'wishlists', 'cascade'], ['variant_id', 'product_variants', 'cascade']], unique: ['wishlist_id, variant_id'] },
  { name: 'support_tickets', about: 'Customer support conversations.', updated: true, enums: ['ticket_status'],
    cols: ['subject text not null', 'status ticket_status not null default \'open\'', 'priority smallint not null default 2'],
    refs: [['account_id', 'accounts', 'cascade'], ['customer_id', 'customers', 'set null'], ['assignee_id', 'users', 'set null']],
    later: ['(account_id, status)', 'support_tickets_open_idx: (assignee_id, priority) where status = \'open\''] },
  { name: 'ticket_messages', about: 'The messages of a support ticket.', withPrevious: true, cols: ['body text not null', 'internal boolean not null default false'],
    refs: [['ticket_id', 'support_tickets', 'cascade'], ['author_id', 'users', 'set null']] },
  { name: 'attachments', about: 'Files attached to ticket messages; the bytes live in object storage.',
    cols: ['filename text not null', 'content_type text not null', 'byte_size bigint not null', 'storage_key text not null'],
    refs: [['account_id', 'accounts', 'cascade'], ['ticket_message_id', 'ticket_messages', 'cascade']], unique: ['storage_key'] },
  { name: 'feature_flags', about: 'Switches for features being rolled out.', cols: ['key text not null', 'description text', 'enabled boolean not null default false'], unique: ['key'] },
  { name: 'feature_flag_overrides', about: 'A flag switched on or off for one account.', withPrevious: true, cols: ['enabled boolean not null'],
    refs: [['flag_id', 'feature_flags', 'cascade'], ['account_id', 'accounts', 'cascade']], unique: ['flag_id, account_id'] },
  { name: 'returns', about: 'Goods a customer sends back.', updated: true, cols: ['status text not null default \'requested\'', 'reason text', 'received_at timestamptz'],
    refs: [['order_id', 'orders', 'cascade']] },
  { name: 'return_items', about: 'Which order lines come back, and whether they go back into stock.', withPrevious: true,
    cols: ['quantity integer not null', 'restock boolean not null default true'], refs: [['return_id', 'returns', 'cascade'], ['order_item_id', 'order_items', 'restrict']] },
  { name: 'gift_cards', about: 'Prepaid cards redeemable in an account\'s shop.',
    cols: ['code text not null', 'initial_cents bigint not null', 'balance_cents bigint not null', 'expires_at timestamptz', 'disabled_at timestamptz'],
    refs: [['account_id', 'accounts', 'cascade']], unique: ['account_id, code'] },
  { name: 'gift_card_transactions', about: 'Each charge or top-up of a gift card.', withPrevious: true, cols: ['amount_cents bigint not null'],
    refs: [['gift_card_id', 'gift_cards', 'cascade'], ['order_id', 'orders', 'set null']] },
  { name: 'loyalty_accounts', about: 'A customer\'s loyalty points balance.', updated: true, cols: ['points integer not null default 0'],
    refs: [['customer_id', 'customers', 'cascade']], unique: ['customer_id'] },
  { name: 'loyalty_transactions', about: 'Points earned and spent.', withPrevious: true, cols: ['points integer not null', 'reason text not null'],
    refs: [['loyalty_account_id', 'loyalty_accounts', 'cascade'], ['order_id', 'orders', 'set null']] },
  { name: 'export_jobs', about: 'Requested CSV exports and where the file went.', cols: ['kind text not null', 'status text not null default \'queued\'', 'file_key text', 'finished_at timestamptz'],
    refs: [['account_id', 'accounts', 'cascade'], ['requested_by', 'users', 'set null']], later: ['export_jobs_waiting_idx: (created_at) where status in (\'queued\', \'running\')'] },
  { name: 'import_jobs', about: 'Uploaded CSV imports and how far they got.', cols: ['kind text not null', 'status text not null default \'queued\'', 'file_key text not null', 'rows_done integer not null default 0', 'error text'],
    refs: [['account_id', 'accounts', 'cascade'], ['requested_by', 'users', 'set null']] },
]

/** Foreign keys a later migration adds to an existing table (a new nullable column): [table, column, referenced table]. */
const laterRefs: [string, string, string][] = [
  ['customers', 'user_id', 'users'],
  ['orders', 'shipping_address_id', 'addresses'],
  ['products', 'supplier_id', 'suppliers'],
  ['orders', 'coupon_id', 'coupons'],
  ['invoices', 'subscription_id', 'subscriptions'],
  ['shipments', 'warehouse_id', 'warehouses'],
  ['payments', 'gift_card_id', 'gift_cards'],
  ['reviews', 'order_item_id', 'order_items'],
  ['support_tickets', 'order_id', 'orders'],
  ['orders', 'billing_address_id', 'addresses'],
]

/** Columns later migrations add, in this order per table; `free`: nullable with no default, so later renamed, retyped, backfilled or dropped. */
const columnPool: { name: string; type: string; free: boolean }[] = [
  { name: 'notes', type: 'text', free: true },
  { name: 'external_id', type: 'text', free: true },
  { name: 'metadata', type: 'jsonb not null default \'{}\'::jsonb', free: false },
  { name: 'sort_order', type: 'integer', free: true },
  { name: 'archived_at', type: 'timestamptz', free: true },
  { name: 'is_test', type: 'boolean not null default false', free: false },
  { name: 'locale', type: 'varchar(16)', free: true },
  { name: 'source', type: 'text', free: true },
  { name: 'priority_level', type: 'smallint', free: true },
  { name: 'synced_at', type: 'timestamptz', free: true },
  { name: 'lock_version', type: 'integer not null default 1', free: false },
  { name: 'label', type: 'varchar(100)', free: true },
]

const renamedTo: Record<string, string> = {
  notes: 'internal_notes', external_id: 'external_ref', sort_order: 'display_order', archived_at: 'hidden_at', locale: 'language',
  source: 'channel_source', priority_level: 'urgency', synced_at: 'last_synced_at', label: 'display_label',
}
const widerType: Record<string, string> = { integer: 'bigint', smallint: 'integer', 'varchar(100)': 'text', 'varchar(16)': 'varchar(35)' }
/** What a backfill writes into a free column before it becomes NOT NULL: [value, default]. */
const backfillOf: Record<string, [string, string]> = {
  locale: ['\'en\'', '\'en\''], language: ['\'en\'', '\'en\''], source: ['\'web\'', '\'web\''], channel_source: ['\'web\'', '\'web\''],
  sort_order: ['0', '0'], display_order: ['0', '0'], priority_level: ['0', '0'], urgency: ['0', '0'], synced_at: ['created_at', 'now()'], last_synced_at: ['created_at', 'now()'],
}

interface Column { type: string; free: boolean }

interface LiveTable {
  spec: TableSpec
  /** Columns now, by name; id, keys, foreign keys and the spec's columns are not free. */
  columns: Map<string, Column>
  later: string[]
  pool: number
  commented: Set<string>
  checked: Set<string>
  /** Names of the indexes later migrations built. */
  indexes: Set<string>
  /** Kept as created: dropped later, or what the last migrations change. */
  frozen: boolean
}

interface Draft {
  name: string
  up: string
  down?: string
  noTransaction?: boolean
}

const NO_TX = '-- tinymigrate:no-transaction\n'

function singular(table: string): string {
  return table.replace(/ies$/, 'y').replace(/sses$/, 'ss').replace(/s$/, '')
}

function words(name: string): string {
  return name.replace(/_/g, ' ')
}

/** A comment for a column, written the way a team documents the few that need it. */
function columnNote(table: string, col: string): string {
  const thing = words(singular(table))
  if (col.endsWith('_cents')) return `${words(col.slice(0, -6))} in minor units of the currency (cents, pence; yen as is)`
  if (col.endsWith('_at')) return `when the ${thing} was ${words(col.slice(0, -3))} (UTC)`
  if (col.endsWith('_id')) return `the ${words(col.slice(0, -3))} this ${thing} belongs to`
  if (col === 'status') return `where the ${thing} is in its life cycle`
  if (col.endsWith('_code')) return `ISO code of the ${words(col.slice(0, -5))}`
  return `${words(col)} of the ${thing}`
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** `name: (cols) where …` → the index's name, whether unique, and what follows ON table. */
function parseIndex(table: string, def: string): { name: string; unique: boolean; body: string } {
  let rest = def
  const unique = rest.startsWith('unique ')
  if (unique) rest = rest.slice(7)
  let name: string
  const named = /^(\w+): (.*)$/.exec(rest)
  if (named) {
    name = named[1]!
    rest = named[2]!
  } else {
    const cols = /^\(([^)]*)\)/.exec(rest)![1]!.split(',').map((c) => c.trim().replace(/ (asc|desc)$/, ''))
    name = `${table}_${cols.join('_')}_${unique ? 'key' : 'idx'}`
  }
  return { name, unique, body: rest }
}

function indexSql(table: string, def: string, concurrently = false): { name: string; sql: string } {
  const ix = parseIndex(table, def)
  return { name: ix.name, sql: `create ${ix.unique ? 'unique ' : ''}index${concurrently ? ' concurrently' : ''} ${ix.name} on ${table} ${ix.body};` }
}

function tenantSql(table: string): string {
  return [
    `alter table ${table} enable row level security;`,
    `create policy ${table}_tenant on ${table} using (account_id = current_setting('app.account_id', true)::bigint);`,
  ].join('\n')
}

function tenantUndo(table: string): string {
  return `drop policy ${table}_tenant on ${table};\nalter table ${table} disable row level security;`
}

function hasAccount(t: TableSpec): boolean {
  return (t.refs ?? []).some(([col]) => col === 'account_id')
}

/** `tenants`: the product isolates tenants by now, so a table with an account_id gets row-level security and a policy. */
function createTableSql(t: TableSpec, tenants: boolean): string {
  const lines: string[] = []
  if (!t.key) lines.push('id bigint generated always as identity primary key')
  lines.push(...t.cols)
  for (const [col, ref, onDelete] of t.refs ?? []) lines.push(`${col} bigint${onDelete === 'set null' ? '' : ' not null'} references ${ref} (id) on delete ${onDelete}`)
  lines.push('created_at timestamptz not null default now()')
  if (t.updated) lines.push('updated_at timestamptz not null default now()')
  if (t.key) lines.push(`primary key (${t.key})`)
  for (const u of t.unique ?? []) lines.push(`unique (${u})`)
  for (const c of t.checks ?? []) lines.push(`check (${c})`)
  const out = [`create table ${t.name} (`, lines.map((l) => `    ${l}`).join(',\n'), ');']
  const leading = [t.key, ...(t.unique ?? [])].filter((k): k is string => k !== undefined).map((k) => k.split(',')[0]!.trim())
  for (const [col] of t.refs ?? []) if (!leading.includes(col)) out.push(`create index ${t.name}_${col}_idx on ${t.name} (${col});`)
  for (const def of t.indexes ?? []) out.push(indexSql(t.name, def).sql)
  if (t.updated) out.push(`create trigger ${t.name}_set_updated_at before update on ${t.name} for each row execute function set_updated_at();`)
  if (tenants && hasAccount(t)) out.push(tenantSql(t.name))
  out.push(`comment on table ${t.name} is ${quote(t.about)};`)
  for (const col of notedColumns(t)) out.push(`comment on column ${t.name}.${col} is ${quote(columnNote(t.name, col))};`)
  return out.join('\n')
}

/** The columns documented when the table is created: amounts, states and timestamps that are not obvious. */
function notedColumns(t: TableSpec): string[] {
  const cols = [...t.cols.map((c) => c.split(' ')[0]!), ...(t.refs ?? []).map(([col]) => col)]
  return cols.filter((c) => /_cents$|^status$|_at$|_code$|^kind$|^priority$|^position$|_id$|^rating$|^points$|^reason$/.test(c)).slice(0, 4)
}

function baseColumns(t: TableSpec): Map<string, Column> {
  const cols = new Map<string, Column>()
  if (!t.key) cols.set('id', { type: 'bigint', free: false })
  for (const c of t.cols) cols.set(c.split(' ')[0]!, { type: c.split(' ')[1]!, free: false })
  for (const [col] of t.refs ?? []) cols.set(col, { type: 'bigint', free: false })
  cols.set('created_at', { type: 'timestamptz', free: false })
  if (t.updated) cols.set('updated_at', { type: 'timestamptz', free: false })
  return cols
}

const setUpdatedAt = [
  'create function set_updated_at() returns trigger',
  'language plpgsql as $$',
  'begin',
  '  new.updated_at := now();',
  '  return new;',
  'end',
  '$$;',
].join('\n')

const applyMovement = [
  'create function apply_inventory_movement() returns trigger',
  'language plpgsql as $$',
  'begin',
  '  insert into inventory_levels (variant_id, warehouse_id, on_hand)',
  '  values (new.variant_id, new.warehouse_id, new.quantity)',
  '  on conflict (variant_id, warehouse_id)',
  '  do update set on_hand = inventory_levels.on_hand + excluded.on_hand;',
  '  return new;',
  'end',
  '$$;',
  'create trigger inventory_movements_apply after insert on inventory_movements',
  '  for each row execute function apply_inventory_movement();',
].join('\n')

const views: Record<string, string> = {
  active_products: 'select p.id, p.account_id, p.sku, p.name, p.price_cents\n  from products p\n where p.status = \'active\'',
  order_totals: 'select o.id as order_id, o.account_id, count(oi.id) as item_count,\n       coalesce(sum(oi.quantity * oi.unit_price_cents), 0) as items_cents\n  from orders o\n  left join order_items oi on oi.order_id = o.id\n group by o.id, o.account_id',
  customer_order_stats: 'select c.id as customer_id, c.account_id, count(o.id) as orders, coalesce(sum(o.total_cents), 0) as spent_cents, max(o.placed_at) as last_order_at\n  from customers c\n  left join orders o on o.customer_id = c.id and o.status in (\'paid\', \'fulfilled\')\n group by c.id, c.account_id',
  available_stock: 'select l.variant_id, l.warehouse_id, l.on_hand - l.reserved as available\n  from inventory_levels l',
  open_tickets: 'select t.id, t.account_id, t.subject, t.priority, t.assignee_id, t.created_at\n  from support_tickets t\n where t.status in (\'open\', \'pending\')',
  account_mrr: 'select s.account_id, sum(p.monthly_price_cents) as mrr_cents\n  from subscriptions s\n  join plans p on p.id = s.plan_id\n where s.status = \'active\'\n group by s.account_id',
  unread_notifications: 'select n.user_id, count(*) as unread\n  from notifications n\n where n.read_at is null\n group by n.user_id',
}

/** A view as replaced later: one more column at the end, as CREATE OR REPLACE VIEW allows. */
const replacedViews: Record<string, string> = {
  active_products: 'select p.id, p.account_id, p.sku, p.name, p.price_cents, p.currency_code\n  from products p\n where p.status = \'active\'',
  open_tickets: 'select t.id, t.account_id, t.subject, t.priority, t.assignee_id, t.created_at, t.customer_id\n  from support_tickets t\n where t.status in (\'open\', \'pending\')',
}

const dailySales = [
  'create materialized view daily_sales as',
  'select o.account_id, date_trunc(\'day\', o.placed_at) as day, o.currency_code, count(*) as orders, sum(o.total_cents) as total_cents',
  '  from orders o',
  ' where o.status in (\'paid\', \'fulfilled\')',
  ' group by o.account_id, date_trunc(\'day\', o.placed_at), o.currency_code',
  'with no data;',
  'create unique index daily_sales_key on daily_sales (account_id, day, currency_code);',
].join('\n')

const referenceRows: Record<string, { columns: string; rows: string[]; key: string }> = {
  currencies: { columns: 'code, name, exponent', key: 'code', rows: ['\'USD\', \'US Dollar\', 2', '\'EUR\', \'Euro\', 2', '\'GBP\', \'Pound Sterling\', 2', '\'JPY\', \'Yen\', 0', '\'CAD\', \'Canadian Dollar\', 2', '\'AUD\', \'Australian Dollar\', 2', '\'CHF\', \'Swiss Franc\', 2', '\'SEK\', \'Swedish Krona\', 2'] },
  countries: { columns: 'code, name, currency_code', key: 'code', rows: ['\'US\', \'United States\', \'USD\'', '\'GB\', \'United Kingdom\', \'GBP\'', '\'DE\', \'Germany\', \'EUR\'', '\'FR\', \'France\', \'EUR\'', '\'NL\', \'Netherlands\', \'EUR\'', '\'JP\', \'Japan\', \'JPY\'', '\'CA\', \'Canada\', \'CAD\'', '\'AU\', \'Australia\', \'AUD\'', '\'CH\', \'Switzerland\', \'CHF\'', '\'SE\', \'Sweden\', \'SEK\''] },
  plans: { columns: 'code, name, monthly_price_cents', key: 'code', rows: ['\'starter\', \'Starter\', 2900', '\'growth\', \'Growth\', 7900', '\'scale\', \'Scale\', 29900'] },
  feature_flags: { columns: 'key, description', key: 'key', rows: ['\'new_checkout\', \'One-page checkout\'', '\'bulk_export\', \'CSV export of all orders\'', '\'gift_cards\', \'Sell and redeem gift cards\'', '\'loyalty\', \'Loyalty points\''] },
  tax_rates: { columns: 'country_code, region, rate, name', key: 'name', rows: ['\'DE\', null, 0.19, \'DE VAT\'', '\'FR\', null, 0.20, \'FR TVA\'', '\'GB\', null, 0.20, \'UK VAT\'', '\'NL\', null, 0.21, \'NL BTW\'', '\'US\', \'CA\', 0.0725, \'California sales tax\'', '\'US\', \'NY\', 0.04, \'New York sales tax\''] },
}

function insertRows(table: string): Draft {
  const r = referenceRows[table]!
  const keys = r.rows.map((row) => row.split(', ')[r.key === 'name' ? 3 : 0]!)
  return {
    name: `seed_${table}`,
    up: `insert into ${table} (${r.columns}) values\n${r.rows.map((row) => `    (${row})`).join(',\n')};`,
    down: `delete from ${table} where ${r.key} in (${keys.join(', ')});`,
  }
}

/** The project's history as it happened: each step a migration, tables with their first migrations in between. */
function coreSteps(h: History): { step: () => Draft; tables: number }[] {
  const tables = h.tables
  const steps: { step: () => Draft; tables: number }[] = []
  const specs = productTables
  const create = (group: TableSpec[], first: boolean) => (): Draft => {
    const up: string[] = []
    const down: string[] = []
    if (first) up.push(setUpdatedAt)
    for (const t of group) {
      for (const e of t.enums ?? []) {
        up.push(`create type ${e} as enum (${productEnums[e]!.map(quote).join(', ')});`)
      }
      up.push(createTableSql(t, h.tenants))
      tables.set(t.name, { spec: t, columns: baseColumns(t), later: [...(t.later ?? [])], pool: 0, commented: new Set(notedColumns(t)), checked: new Set(), indexes: new Set(), frozen: t.name === 'legacy_order_notes' })
    }
    for (const t of [...group].reverse()) {
      down.push(`drop table ${t.name};`)
      for (const e of [...(t.enums ?? [])].reverse()) down.push(`drop type ${e};`)
    }
    if (first) down.push('drop function set_updated_at();')
    return { name: first ? 'initial_schema' : `create_${group.map((t) => t.name).join('_and_')}`, up: up.join('\n\n'), down: down.join('\n') }
  }
  const groups: TableSpec[][] = []
  for (const s of specs) {
    if (s.withPrevious && groups.length) groups.at(-1)!.push(s)
    else groups.push([s])
  }
  const after: Record<string, (() => Draft)[]> = {
    currencies: [() => insertRows('currencies')],
    countries: [() => insertRows('countries'), () => ({ name: 'add_slugify_function', up: 'create function slugify(value text) returns text\nlanguage sql immutable strict\nas $$ select trim(both \'-\' from regexp_replace(lower(value), \'[^a-z0-9]+\', \'-\', \'g\')) $$;', down: 'drop function slugify(text);' })],
    categories: [() => ({ name: 'backfill_category_slugs', up: 'update categories set slug = slugify(name) where slug = \'\' or slug is null;', down: '-- The slugs stay as they are: nothing to undo.' })],
    products: [() => view('active_products')],
    inventory_movements: [() => ({ name: 'apply_inventory_movements', up: applyMovement, down: 'drop trigger inventory_movements_apply on inventory_movements;\ndrop function apply_inventory_movement();' }), () => view('available_stock')],
    order_items: [() => view('order_totals'), () => ({ name: 'add_order_total_function', up: 'create function order_total_cents(order_id bigint) returns bigint\nlanguage sql stable\nas $$ select coalesce(sum(quantity * unit_price_cents), 0)::bigint from order_items where order_items.order_id = $1 $$;', down: 'drop function order_total_cents(bigint);' })],
    refunds: [() => isolateTenants(h)],
    payments: [() => view('customer_order_stats'), () => addValue(0), () => ({ name: 'backfill_orders_placed_at', up: 'update orders set placed_at = created_at where placed_at is null and status <> \'pending\';' })],
    shipment_items: [() => addValue(1), () => ({ name: 'add_daily_sales', up: dailySales, down: 'drop materialized view daily_sales;' })],
    plans: [() => insertRows('plans')],
    tax_rates: [() => insertRows('tax_rates')],
    subscription_items: [() => view('account_mrr'), () => addValue(2)],
    notifications: [() => view('unread_notifications')],
    review_votes: [() => replaceView('active_products'), () => addValue(3)],
    ticket_messages: [() => view('open_tickets'), () => dropLegacyNotes(h)],
    feature_flag_overrides: [() => insertRows('feature_flags'), () => addValue(4)],
    return_items: [() => addValue(5)],
    loyalty_transactions: [() => replaceView('open_tickets')],
  }
  let count = 0
  for (const [i, g] of groups.entries()) {
    count += g.length
    steps.push({ step: create(g, i === 0), tables: count })
    for (const step of g.flatMap((t) => after[t.name] ?? [])) steps.push({ step, tables: count })
  }
  return steps
}

/** Row-level security on every table with an account_id, so a session set to one account sees only its rows. */
function isolateTenants(h: History): Draft {
  h.tenants = true
  const list = [...h.tables.values()].filter((t) => hasAccount(t.spec)).map((t) => t.spec.name)
  return { name: 'isolate_tenants', up: list.map(tenantSql).join('\n'), down: list.map(tenantUndo).join('\n') }
}

function view(name: string): Draft {
  return { name: `create_${name}_view`, up: `create view ${name} as\n${views[name]!};`, down: `drop view ${name};` }
}

function replaceView(name: string): Draft {
  return {
    name: `add_column_to_${name}_view`,
    up: `create or replace view ${name} as\n${replacedViews[name]!};`,
    down: `drop view ${name};\ncreate view ${name} as\n${views[name]!};`,
  }
}

function addValue(i: number): Draft {
  const [type, value, after] = enumAdditions[i]!
  // No down file: PostgreSQL cannot take a value out of an enum.
  return { name: `add_${value}_to_${type}`, up: `alter type ${type} add value ${quote(value)} after ${quote(after)};` }
}

function dropLegacyNotes(h: History): Draft {
  const spec = h.tables.get('legacy_order_notes')!.spec
  h.tables.delete('legacy_order_notes')
  return { name: 'drop_legacy_order_notes', up: 'drop table legacy_order_notes;', down: createTableSql(spec, h.tenants) }
}

type Change = 'column' | 'index' | 'concurrent-index' | 'table-comment' | 'column-comment' | 'rename' | 'drop' | 'backfill' | 'retype' | 'check' | 'reference' | 'validate'

/** The order later changes come in, over and over: most add a column or an index. */
const changeCycle: Change[] = [
  'column', 'index', 'column-comment', 'column', 'reference', 'rename', 'concurrent-index', 'column', 'check', 'backfill',
  'index', 'column', 'validate', 'table-comment', 'retype', 'column', 'index', 'column-comment', 'drop', 'column-comment',
]

interface History {
  tables: Map<string, LiveTable>
  /** Set by the `isolate_tenants` step: from then on a new table with an account_id gets row-level security in the migration that creates it. */
  tenants: boolean
  /** Foreign keys added NOT VALID and not validated yet: [table, constraint, definition]. */
  unvalidated: [string, string, string][]
  refs: number
  extra: number
}

/** The next change of `kind` to some table, starting the search at table `start`; undefined when no table can take one. */
function change(h: History, kind: Change, start: number): Draft | undefined {
  if (kind === 'reference') return reference(h)
  if (kind === 'validate') return validate(h)
  const list = [...h.tables.values()].filter((t) => !t.frozen)
  for (let i = 0; i < list.length; i++) {
    const t = list[(start + i) % list.length]!
    const d = changeTo(t, kind)
    if (d) return d
  }
  return undefined
}

function free(t: LiveTable): [string, Column][] {
  return [...t.columns].filter(([, c]) => c.free)
}

function changeTo(t: LiveTable, kind: Change): Draft | undefined {
  const name = t.spec.name
  switch (kind) {
    case 'column': {
      // not on join tables and code lists (a key of their own)
      if (t.spec.key) return undefined
      // each table starts at its own place in the pool, so they do not all get the same columns first
      const start = productTables.indexOf(t.spec)
      const at = () => columnPool[(start + t.pool) % columnPool.length]!
      while (t.pool < columnPool.length && t.columns.has(at().name)) t.pool++
      if (t.pool >= columnPool.length) return undefined
      const c = at()
      t.pool++
      t.columns.set(c.name, { type: c.type.split(' ')[0]!, free: c.free })
      return { name: `add_${c.name}_to_${name}`, up: `alter table ${name} add column ${c.name} ${c.type};`, down: `alter table ${name} drop column ${c.name};` }
    }
    case 'index': case 'concurrent-index': {
      const def = t.later.shift() ?? fallbackIndex(t)
      if (!def) return undefined
      const concurrently = kind === 'concurrent-index'
      const ix = indexSql(name, def, concurrently)
      t.indexes.add(ix.name)
      return concurrently
        ? { name: `index_${ix.name.replace(/_(idx|key)$/, '')}`, up: `${NO_TX}${ix.sql}`, down: `${NO_TX}drop index concurrently ${ix.name};`, noTransaction: true }
        : { name: `index_${ix.name.replace(/_(idx|key)$/, '')}`, up: ix.sql, down: `drop index ${ix.name};` }
    }
    case 'table-comment': {
      if (t.commented.has('')) return undefined
      t.commented.add('')
      return { name: `document_${name}`, up: `comment on table ${name} is ${quote(`${t.spec.about} Rows are never hard-deleted by the application.`)};`, down: `comment on table ${name} is ${quote(t.spec.about)};` }
    }
    case 'column-comment': {
      const col = [...t.columns.keys()].find((c) => !t.commented.has(c) && !t.columns.get(c)!.free && c !== 'id' && c !== 'created_at')
      if (!col) return undefined
      t.commented.add(col)
      return { name: `document_${name}_${col}`, up: `comment on column ${name}.${col} is ${quote(columnNote(name, col))};`, down: `comment on column ${name}.${col} is null;` }
    }
    case 'rename': {
      const found = free(t).find(([c]) => renamedTo[c] && !t.columns.has(renamedTo[c]!))
      if (!found) return undefined
      const [from, col] = found
      const to = renamedTo[from]!
      t.columns.delete(from)
      t.columns.set(to, col)
      return { name: `rename_${name}_${from}_to_${to}`, up: `alter table ${name} rename column ${from} to ${to};`, down: `alter table ${name} rename column ${to} to ${from};` }
    }
    case 'drop': {
      const found = free(t).find(([c]) => !backfillOf[c])
      if (!found) return undefined
      const [col, c] = found
      t.columns.delete(col)
      return { name: `drop_${name}_${col}`, up: `alter table ${name} drop column ${col};`, down: `alter table ${name} add column ${col} ${c.type};` }
    }
    case 'backfill': {
      const found = free(t).find(([c]) => backfillOf[c])
      if (!found) return undefined
      const [col, c] = found
      const [value, fallback] = backfillOf[col]!
      c.free = false
      return {
        name: `backfill_${name}_${col}`,
        up: `update ${name} set ${col} = ${value} where ${col} is null;\nalter table ${name} alter column ${col} set default ${fallback};\nalter table ${name} alter column ${col} set not null;`,
        down: `alter table ${name} alter column ${col} drop not null;\nalter table ${name} alter column ${col} drop default;`,
      }
    }
    case 'retype': {
      const found = free(t).find(([, c]) => widerType[c.type])
      if (!found) return undefined
      const [col, c] = found
      const from = c.type
      c.type = widerType[from]!
      return { name: `widen_${name}_${col}_to_${c.type.replace(/\W+/g, '_').replace(/_$/, '')}`, up: `alter table ${name} alter column ${col} type ${c.type};`, down: `alter table ${name} alter column ${col} type ${from};` }
    }
    case 'check': {
      const col = [...t.columns.keys()].find((c) => !t.checked.has(c) && !t.columns.get(c)!.free && (/_cents$/.test(c) || c === 'quantity' || c === 'name' || c === 'email'))
      if (!col) return undefined
      t.checked.add(col)
      const [suffix, expr] = col === 'quantity' ? ['positive', `${col} > 0`] : /_cents$/.test(col) ? ['not_negative', `${col} >= 0`] : col === 'email' ? ['has_at', `position('@' in ${col}) > 1`] : ['not_blank', `btrim(${col}) <> ''`]
      const constraint = `${name}_${col}_${suffix}`
      return { name: `check_${name}_${col}`, up: `alter table ${name} add constraint ${constraint} check (${expr});`, down: `alter table ${name} drop constraint ${constraint};` }
    }
    default:
      return undefined
  }
}

/** Another index for a table whose planned ones are all built: a foreign key with created_at, for the lists by parent. */
function fallbackIndex(t: LiveTable): string | undefined {
  for (const [col] of t.spec.refs ?? []) {
    const def = `(${col}, created_at)`
    if (!t.indexes.has(parseIndex(t.spec.name, def).name)) return def
  }
  return undefined
}

function reference(h: History): Draft | undefined {
  while (h.refs < laterRefs.length) {
    const [table, col, ref] = laterRefs[h.refs]!
    const t = h.tables.get(table)
    if (!t || !h.tables.has(ref)) return undefined
    h.refs++
    if (t.columns.has(col)) continue
    t.columns.set(col, { type: 'bigint', free: false })
    const constraint = `${table}_${col}_fkey`
    const fk = `foreign key (${col}) references ${ref} (id) on delete set null`
    // Every other one the careful way: NOT VALID now, VALIDATE in a later migration.
    const careful = h.refs % 2 === 0
    if (careful) h.unvalidated.push([table, constraint, fk])
    return {
      name: `add_${col}_to_${table}`,
      up: [`alter table ${table} add column ${col} bigint;`, `alter table ${table} add constraint ${constraint} ${fk}${careful ? ' not valid' : ''};`, `create index ${table}_${col}_idx on ${table} (${col});`].join('\n'),
      down: `drop index ${table}_${col}_idx;\nalter table ${table} drop column ${col};`,
    }
  }
  return undefined
}

function validate(h: History): Draft | undefined {
  const next = h.unvalidated.shift()
  if (!next) return undefined
  const [table, constraint, fk] = next
  return {
    name: `validate_${constraint}`,
    up: `alter table ${table} validate constraint ${constraint};`,
    down: `alter table ${table} drop constraint ${constraint};\nalter table ${table} add constraint ${constraint} ${fk} not valid;`,
  }
}

/** One more nullable column anywhere, when every table has all of the pool's: only for very long histories. */
function extraColumn(h: History, start: number): Draft {
  const list = [...h.tables.values()].filter((t) => !t.frozen)
  const t = list[start % list.length]!
  const col = `attribute_${++h.extra}`
  t.columns.set(col, { type: 'text', free: false })
  return { name: `add_${col}_to_${t.spec.name}`, up: `alter table ${t.spec.name} add column ${col} text;`, down: `alter table ${t.spec.name} drop column ${col};` }
}

/**
 * The last five migrations, the ones `lint` finds pending: a new table, a new nullable column, an
 * index built on a big existing table without CONCURRENTLY (what lint exists to catch), the same
 * kind of index built CONCURRENTLY, and a column with a small backfill.
 */
function lastSteps(h: History): Draft[] {
  const savedSearches: TableSpec = {
    name: 'saved_searches', about: 'Filters a user saved in the admin, per account.', cols: ['name text not null', 'query jsonb not null'],
    refs: [['account_id', 'accounts', 'cascade'], ['user_id', 'users', 'cascade']], unique: ['user_id, name'],
  }
  const steps: Draft[] = [
    { name: 'create_saved_searches', up: createTableSql(savedSearches, h.tenants), down: 'drop table saved_searches;' },
    { name: 'add_fulfillment_note_to_orders', up: 'alter table orders add column fulfillment_note text;', down: 'alter table orders drop column fulfillment_note;' },
    { name: 'index_orders_customer_id_placed_at', up: 'create index orders_customer_id_placed_at_idx on orders (customer_id, placed_at);', down: 'drop index orders_customer_id_placed_at_idx;' },
    { name: 'index_customers_phone', up: `${NO_TX}create index concurrently customers_phone_idx on customers (phone) where phone is not null;`, down: `${NO_TX}drop index concurrently customers_phone_idx;`, noTransaction: true },
    {
      name: 'add_marketing_consent_at_to_customers',
      up: 'alter table customers add column marketing_consent_at timestamptz;\nupdate customers set marketing_consent_at = updated_at where accepts_marketing;',
      down: 'alter table customers drop column marketing_consent_at;',
    },
  ]
  return steps
}

export interface ProductProject {
  /** The migrations folder (schema.sql is not written: `tinymigrate pull` writes it). */
  dir: string
  /** Migration files in order, up files only. */
  files: string[]
  /** How many of the last migrations are the ones to leave pending for lint (see `lastSteps`). */
  pending: number
  /** What the files hold, counted in the up files (a table dropped later is still counted in indexes and foreignKeys). */
  counts: {
    migrations: number
    downs: number
    noTransaction: number
    tables: number
    views: number
    enums: number
    functions: number
    policies: number
    triggers: number
    indexes: number
    foreignKeys: number
    dataMigrations: number
  }
}

/**
 * The migrations of a product's history, deterministic (no randomness): about 60 tables created
 * over time with their keys, foreign keys, indexes (unique, partial, on several columns and
 * expressions), enums with values added later, views and a materialized view, functions and
 * triggers (updated_at), row-level security per tenant, reference rows and backfills, columns
 * added, renamed, widened, made NOT NULL and dropped, foreign keys added NOT VALID and validated
 * later, indexes built CONCURRENTLY in no-transaction files, a table dropped. Every migration has
 * a down file that undoes it (checked: up then down gives back the schema) except those that add
 * an enum value (PostgreSQL cannot take one out) and one backfill. The last five are described
 * at `lastSteps`. schema.sql is not written: `tinymigrate pull` writes it.
 *
 * `migrations` is the number of files: at least the 78 steps that create the tables and the
 * last five; the changes between the steps fill the rest.
 */
export function writeProductProject(dir: string, options: { migrations?: number } = {}): ProductProject {
  const total = options.migrations ?? 270
  const h: History = { tables: new Map(), tenants: false, unvalidated: [], refs: 0, extra: 0 }
  const core = coreSteps(h)
  const pending = 5 // lastSteps
  const changes = total - core.length - pending
  if (changes < 0) throw new Error(`a product project needs at least ${core.length + pending} migrations, not ${total}`)
  // Changes come between the steps in proportion to the tables there are to change by then: few
  // while the product is young, more as it grows.
  const all = core.reduce((n, s) => n + s.tables, 0)
  const drafts: Draft[] = []
  let k = 0
  let sum = 0
  for (const { step, tables } of core) {
    drafts.push(step())
    const share = Math.floor(((sum + tables) * changes) / all) - Math.floor((sum * changes) / all)
    sum += tables
    for (let n = 0; n < share; n++, k++) {
      let d: Draft | undefined
      for (let tries = 0; !d && tries < changeCycle.length; tries++) d = change(h, changeCycle[(k + tries) % changeCycle.length]!, k * 7)
      drafts.push(d ?? extraColumn(h, k))
    }
  }
  drafts.push(...lastSteps(h))
  mkdirSync(dir, { recursive: true })
  const width = Math.max(3, String(drafts.length).length)
  const files: string[] = []
  const seen = new Set<string>()
  for (const [i, d] of drafts.entries()) {
    const version = String(i + 1).padStart(width, '0')
    const base = `${version}_${d.name}`
    if (seen.has(d.name)) throw new Error(`two migrations named ${d.name}`)
    seen.add(d.name)
    files.push(`${base}.up.sql`)
    writeFileSync(path.join(dir, `${base}.up.sql`), d.up + '\n')
    if (d.down !== undefined) writeFileSync(path.join(dir, `${base}.down.sql`), d.down + '\n')
  }
  return { dir, files, pending, counts: countsOf(drafts) }
}

function countsOf(drafts: Draft[]): ProductProject['counts'] {
  const ups = drafts.map((d) => d.up).join('\n')
  const n = (re: RegExp) => (ups.match(re) ?? []).length
  return {
    migrations: drafts.length,
    downs: drafts.filter((d) => d.down !== undefined).length,
    noTransaction: drafts.filter((d) => d.noTransaction).length,
    tables: n(/^create table /gm) - n(/^drop table /gm),
    views: n(/^create (materialized )?view /gm),
    enums: n(/^create type /gm),
    functions: n(/^create function /gm),
    policies: n(/^create policy /gm),
    triggers: n(/^create trigger /gm),
    indexes: n(/create (unique )?index /g),
    foreignKeys: n(/ references /g),
    dataMigrations: drafts.filter((d) => /^(insert|update) /m.test(d.up)).length,
  }
}

/**
 * The psql equivalent of `up` running `files` (up files in `dir`) and nothing else: each in its
 * own transaction, a no-transaction file statement by statement as psql runs it, in one session.
 * No history rows: this is the time of the migrations themselves.
 */
export function writePendingScript(script: string, dir: string, files: string[]): void {
  const folder = path.relative(path.dirname(script), dir).split(path.sep).join('/')
  const lines: string[] = []
  for (const f of files) {
    const noTransaction = readFileSync(path.join(dir, f), 'utf8').startsWith(NO_TX)
    lines.push(...(noTransaction ? [`\\ir ${folder}/${f}`] : ['begin;', `\\ir ${folder}/${f}`, 'commit;']))
  }
  writeFileSync(script, lines.join('\n') + '\n')
}
