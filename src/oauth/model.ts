import OAuth2Server from '@node-oauth/oauth2-server';
import type { PrismaClient } from '../generated/prisma/client.js';
import { hashToken } from '../accounts/tokens.js';
import { approveInstallation, createKey, MarketplaceError } from '../marketplace/service.js';

const { InvalidRequestError, InvalidScopeError } = OAuth2Server;

/** The person deciding on the consent page, and what the app asked for (the consent decides those scopes). */
export interface ConsentingAdmin {
  adminId: string;
  email: string;
  organizationId: string;
  requestedScopes: string[];
}

export interface OAuthClient extends OAuth2Server.Client {
  id: string;
  slug: string;
  redirectUris: string[];
  grants: string[];
  declaredScopes: string[];
}

function clientOf(app: { id: string; slug: string; redirectUris: string[]; declaredScopes: string[] }): OAuthClient {
  return { id: app.id, slug: app.slug, redirectUris: app.redirectUris, grants: ['authorization_code'], declaredScopes: app.declaredScopes };
}

/** A PKCE S256 challenge: the base64url SHA-256 of a verifier, 43 characters (RFC 7636 §4.2). */
const s256Challenge = /^[A-Za-z0-9_-]{43}$/;

/**
 * The storage side of @node-oauth/oauth2-server's authorization-code grant. The library does the
 * protocol (client and redirect URI checks, state, PKCE verification, single use, expiry, error
 * responses); this model keeps codes hashed, makes PKCE S256 mandatory, installs through the
 * marketplace service, and issues the clinic-bound API key as the access token.
 */
export function oauthModel(prisma: PrismaClient) {
  return {
    async getClient(clientId: string, clientSecret: string | null | undefined): Promise<OAuthClient | false> {
      const app = await prisma.app.findUnique({ where: { id: clientId } });
      if (!app || app.redirectUris.length === 0 || !app.clientSecretHash) return false;
      // The authorization endpoint asks without a secret; the token endpoint always with one (checked before the library runs).
      if (clientSecret !== null && clientSecret !== undefined && hashToken(clientSecret) !== app.clientSecretHash) return false;
      return clientOf(app);
    },

    async validateScope(user: ConsentingAdmin, client: OAuthClient, scope?: string[]): Promise<string[] | false> {
      if (!scope || scope.length === 0) return false;
      return scope.every((s) => client.declaredScopes.includes(s)) ? scope : false;
    },

    async saveAuthorizationCode(
      code: Pick<OAuth2Server.AuthorizationCode, 'authorizationCode' | 'expiresAt' | 'redirectUri' | 'scope' | 'codeChallenge' | 'codeChallengeMethod'>,
      client: OAuthClient,
      user: ConsentingAdmin,
    ): Promise<OAuth2Server.AuthorizationCode> {
      if (!code.codeChallenge) throw new InvalidRequestError('Missing parameter: `code_challenge` (PKCE with S256 is required).');
      if (code.codeChallengeMethod !== 'S256') throw new InvalidRequestError('Invalid parameter: `code_challenge_method` must be S256.');
      if (!s256Challenge.test(code.codeChallenge)) {
        throw new InvalidRequestError('Invalid parameter: `code_challenge` must be the base64url SHA-256 of the verifier (43 characters).');
      }
      const scopes = code.scope ?? [];
      try {
        await approveInstallation(prisma, {
          slug: client.slug,
          organizationId: user.organizationId,
          requested: user.requestedScopes,
          approved: scopes,
          adminId: user.adminId,
        });
      } catch (error) {
        if (error instanceof MarketplaceError) throw new InvalidScopeError(error.message);
        throw error;
      }
      // Codes expired for a day can no longer be replayed usefully (their keys were revoked or never issued): drop them.
      await prisma.oAuthAuthorizationCode.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - 86_400_000) } } });
      await prisma.oAuthAuthorizationCode.create({
        data: {
          codeHash: hashToken(code.authorizationCode),
          appId: client.id,
          organizationId: user.organizationId,
          adminId: user.adminId,
          redirectUri: code.redirectUri,
          scopes,
          codeChallenge: code.codeChallenge,
          codeChallengeMethod: code.codeChallengeMethod,
          expiresAt: code.expiresAt,
        },
      });
      return { ...code, scope: scopes, client, user };
    },

    async getAuthorizationCode(authorizationCode: string): Promise<OAuth2Server.AuthorizationCode | false> {
      const row = await prisma.oAuthAuthorizationCode.findUnique({ where: { codeHash: hashToken(authorizationCode) } });
      if (!row) return false;
      if (row.usedAt) {
        // A code presented twice may have been stolen: the key its first exchange issued stops working (RFC 6749 §4.1.2).
        if (row.apiKeyId) await prisma.apiKey.updateMany({ where: { id: row.apiKeyId, revokedAt: null }, data: { revokedAt: new Date() } });
        return false;
      }
      const app = await prisma.app.findUnique({ where: { id: row.appId } });
      if (!app) return false;
      return {
        authorizationCode,
        expiresAt: row.expiresAt,
        redirectUri: row.redirectUri,
        scope: row.scopes,
        codeChallenge: row.codeChallenge,
        codeChallengeMethod: row.codeChallengeMethod,
        client: clientOf(app),
        user: { adminId: row.adminId, organizationId: row.organizationId, codeHash: row.codeHash },
      };
    },

    /** Atomic: of two concurrent exchanges of one code, exactly one finds it unused. */
    async revokeAuthorizationCode(code: OAuth2Server.AuthorizationCode): Promise<boolean> {
      const used = await prisma.oAuthAuthorizationCode.updateMany({
        where: { codeHash: hashToken(code.authorizationCode), usedAt: null },
        data: { usedAt: new Date() },
      });
      return used.count === 1;
    },

    /** The access token is a clinicgraph API key bound to the consenting clinic, holding exactly the approved scopes. */
    async saveToken(
      token: OAuth2Server.Token & { authorizationCode?: string },
      client: OAuthClient,
      user: { adminId: string; organizationId: string; codeHash: string },
    ): Promise<OAuth2Server.Token> {
      const scopes = token.scope ?? [];
      const admin = await prisma.clinicAdmin.findUnique({ where: { id: user.adminId }, select: { email: true } });
      const key = await createKey(prisma, {
        slug: client.slug,
        scopes,
        organizationId: user.organizationId,
        name: `OAuth consent${admin ? ` by ${admin.email}` : ''}`,
      });
      await prisma.oAuthAuthorizationCode.update({ where: { codeHash: user.codeHash }, data: { apiKeyId: key.id } });
      return {
        accessToken: key.secret,
        scope: key.scopes,
        client,
        user,
        // Extended attributes: clinicgraph's answer names the clinic (the X-Organization-Id to send) and the key.
        organization_id: user.organizationId,
        key_id: key.id,
      };
    },
  };
}
