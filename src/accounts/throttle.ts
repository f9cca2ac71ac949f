import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AccountsConfig } from './config.js';

/**
 * Failed sign-ins counted per account and per client address (rate-limiter-flexible, fixed window).
 * A refused attempt is not even verified, so a guesser spends no argon2 time of ours and learns
 * nothing; a success clears the account's count.
 */
export interface SignInThrottle {
  /** Seconds until the next attempt may be tried, or 0. */
  retryAfter(account: string, address: string): Promise<number>;
  failed(account: string, address: string): Promise<void>;
  succeeded(account: string): Promise<void>;
}

export function createSignInThrottle(config: AccountsConfig['signIn']): SignInThrottle {
  const accounts: RateLimiterAbstract = new RateLimiterMemory({ points: config.accountPoints, duration: config.windowSeconds, keyPrefix: 'signin:account' });
  const addresses: RateLimiterAbstract = new RateLimiterMemory({ points: config.addressPoints, duration: config.windowSeconds, keyPrefix: 'signin:address' });
  const wait = async (limiter: RateLimiterAbstract, key: string, points: number) => {
    const state = await limiter.get(key);
    return state && state.consumedPoints >= points ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  };
  return {
    async retryAfter(account, address) {
      return Math.max(await wait(accounts, account, config.accountPoints), await wait(addresses, address, config.addressPoints));
    },
    async failed(account, address) {
      await Promise.all([accounts.penalty(account), addresses.penalty(address)]);
    },
    async succeeded(account) {
      await accounts.delete(account);
    },
  };
}
