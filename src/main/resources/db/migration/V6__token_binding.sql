-- How a row's token ciphertexts are bound (their AEAD associated data): 1 = token kind + row id (rows written
-- before this migration, the default); 2 = also the user and the provider account, so a row handed to another
-- user or account no longer decrypts. The service writes 2; the re-encryption job moves the remaining rows.
ALTER TABLE integration_tokens ADD COLUMN token_binding INTEGER NOT NULL DEFAULT 1;
