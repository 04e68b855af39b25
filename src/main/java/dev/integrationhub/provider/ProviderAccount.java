package dev.integrationhub.provider;

/**
 * The account a grant belongs to, as the provider names it.
 *
 * @param subject the provider's stable account id (OIDC {@code sub})
 * @param email the account's e-mail address, if the provider gave one
 */
public record ProviderAccount(String subject, String email) {
}
