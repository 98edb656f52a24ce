import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../platform/errors/AppError.js';

export interface LoginLimiterOptions {
  /** Failed logins one address may make against one account per window. */
  perAccountAndIp?: number;
  /** Failed logins one address may make in all per window (credential stuffing). */
  perIp?: number;
  /** Sign-ups one address may make per hour. */
  signupsPerIp?: number;
  windowSeconds?: number;
}

/**
 * Brute-force limits keyed the way OWASP recommends: failures are counted per (account, address) and per
 * address, never per account alone, so an attacker hammering someone's account from their own addresses
 * cannot lock the owner out. A success clears the (account, address) counter.
 */
export class LoginLimiter {
  private readonly accountAndIp: RateLimiterAbstract;
  private readonly ip: RateLimiterAbstract;
  private readonly signups: RateLimiterAbstract;

  constructor(options: LoginLimiterOptions = {}) {
    const duration = options.windowSeconds ?? 15 * 60;
    this.accountAndIp = new RateLimiterMemory({
      keyPrefix: 'login-account-ip',
      points: options.perAccountAndIp ?? 5,
      duration,
    });
    this.ip = new RateLimiterMemory({
      keyPrefix: 'login-ip',
      points: options.perIp ?? 50,
      duration,
    });
    this.signups = new RateLimiterMemory({
      keyPrefix: 'signup-ip',
      points: options.signupsPerIp ?? 20,
      duration: 3600,
    });
  }

  /**
   * Counts an attempt before the password is checked, so parallel guesses cannot all slip in while the
   * first ones are still hashing; throws `rate_limited` when this address may not try this account now.
   */
  async beginAttempt(email: string, ip: string): Promise<void> {
    const [pair, address] = await Promise.all([this.accountAndIp.get(`${email}|${ip}`), this.ip.get(ip)]);
    const blocked = [pair, address].find(
      (state): state is RateLimiterRes => state !== null && state.remainingPoints <= 0,
    );
    if (blocked) throw tooMany(blocked.msBeforeNext);
    await Promise.all([this.accountAndIp.penalty(`${email}|${ip}`, 1), this.ip.penalty(ip, 1)]);
  }

  /** A correct password clears this address's count for the account and gives back its attempt. */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await Promise.all([this.accountAndIp.delete(`${email}|${ip}`), this.ip.reward(ip, 1)]);
  }

  async consumeSignup(ip: string): Promise<void> {
    try {
      await this.signups.consume(ip);
    } catch (result) {
      if (result instanceof RateLimiterRes) throw tooMany(result.msBeforeNext);
      throw result;
    }
  }
}

function tooMany(msBeforeNext: number): AppError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('rate_limited', `Too many attempts; try again in ${seconds} seconds`);
}
