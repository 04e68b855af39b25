package dev.integrationhub.oauth.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.integrationhub.oauth.OAuthFlow;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/**
 * The {@code oauth_flows} table for {@link FlowStore} only: package-private, so that Panache's general
 * operations ({@code deleteAll}, {@code update}, ...) are not part of any public API.
 */
@ApplicationScoped
class OAuthFlowRepository implements PanacheRepositoryBase<OAuthFlow, UUID> {
}
