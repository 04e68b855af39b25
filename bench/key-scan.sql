-- Cost of the key-rotation queries on 1,000,000 grants (StoredKeyCheck at start; GrantReencryption's count).
-- On a database migrated by the service (or by psql -f each of src/main/resources/db/migration/V*.sql):
--   psql -d <db> -f bench/key-scan.sql
-- Inserts 1,000,000 rows shaped like the service's (Tink prefix 0x01 + key id, random ciphertext), then times
-- both queries twice. Drop the database afterwards.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
INSERT INTO integration_tokens (id, user_id, integration_type, provider, account_subject, account_email, granted_scopes,
  status, access_token_ciphertext, refresh_token_ciphertext, token_expires_at, refresh_due_at, created_at, updated_at,
  token_binding)
SELECT gen_random_uuid(), 'user-' || g, 'gmail', 'google', 'sub-' || g, 'u' || g || '@example.com', '{openid,email}',
  'active', '\x0112345678'::bytea || gen_random_bytes(180), '\x0112345678'::bytea || gen_random_bytes(120),
  now() + interval '1 hour', now() + interval '55 minutes', now(), now(), 2
FROM generate_series(1, 1000000) g;
ANALYZE integration_tokens;
\timing on
-- StoredKeyCheck: the key ids in use.
SELECT DISTINCT (get_byte(c, 1)::bigint << 24) + (get_byte(c, 2)::bigint << 16) + (get_byte(c, 3)::bigint << 8)
  + get_byte(c, 4)::bigint FROM (
  SELECT access_token_ciphertext c FROM integration_tokens
  UNION ALL SELECT refresh_token_ciphertext FROM integration_tokens
  UNION ALL SELECT pkce_verifier_ciphertext FROM oauth_flows WHERE expires_at > now()
  UNION ALL SELECT held_grant_ciphertext FROM oauth_flows
  UNION ALL SELECT secret_ciphertext FROM outbox WHERE done_at IS NULL
) stored WHERE c IS NOT NULL AND length(c) > 5 AND get_byte(c, 0) = 1;
-- GrantReencryption: rows left to re-encrypt under the primary key 0x12345678.
SELECT count(*) FROM integration_tokens WHERE token_binding < 2
  OR (access_token_ciphertext IS NOT NULL AND substring(access_token_ciphertext from 1 for 5) <> '\x0112345678'::bytea)
  OR (refresh_token_ciphertext IS NOT NULL AND substring(refresh_token_ciphertext from 1 for 5) <> '\x0112345678'::bytea);
