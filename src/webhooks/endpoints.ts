import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { promisify } from 'node:util';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export class EndpointError extends Error {}

export interface EndpointPolicy {
  /** Production: public addresses only. Elsewhere: any address, and plain http to loopback. */
  production: boolean;
}

const lookupAll = promisify(dnsLookup);
const loopbackNames = new Set(['localhost', 'localhost.']);
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** ipaddr.js's name for the range an address is in (`unicast` for a public one); IPv4-mapped IPv6 counts as IPv4. */
function rangeOf(address: string): string {
  return ipaddr.process(address).range();
}

/** Why an endpoint may not be called at this address, or null when it may. */
function refusal(address: string, url: URL, policy: EndpointPolicy): string | null {
  const range = rangeOf(address);
  if (policy.production && range !== 'unicast') {
    return `${url.hostname} resolves to ${address}, a ${range} address: webhook endpoints must be public (private, loopback and link-local addresses are refused).`;
  }
  if (url.protocol === 'http:' && range !== 'loopback') {
    return `${url.hostname} resolves to ${address}, which is not loopback: plain http is accepted only for loopback endpoints in development. Use https.`;
  }
  return null;
}

/** Checks what a URL says (scheme, credentials, literal addresses); addresses behind a name are checked as they resolve. */
export function parseEndpointUrl(raw: string, policy: EndpointPolicy): URL {
  if (raw.length > 2000) throw new EndpointError(`The endpoint URL is ${raw.length} characters long; at most 2000.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EndpointError(`"${raw.slice(0, 100)}" is not a URL. Give the full https:// address of your endpoint.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EndpointError(`Webhook endpoints use https; got ${url.protocol}//.`);
  if (url.username || url.password) throw new EndpointError('The endpoint URL must not carry credentials: verify the signature instead.');
  if (url.protocol === 'http:') {
    const host = hostOf(url);
    const loopback = loopbackNames.has(host) || (isIP(host) !== 0 && rangeOf(host) === 'loopback');
    if (policy.production || !loopback) {
      throw new EndpointError(`Webhook endpoints must use https${policy.production ? '' : ' (plain http only for localhost in development)'}; got ${url.origin}.`);
    }
  }
  const host = hostOf(url);
  if (isIP(host)) {
    const reason = refusal(host, url, policy);
    if (reason) throw new EndpointError(reason);
  }
  return url;
}

/** Resolves the endpoint's name and checks every address it has: one private address is enough to refuse it. */
export async function checkEndpointAddresses(url: URL, policy: EndpointPolicy): Promise<LookupAddress[]> {
  const host = hostOf(url);
  let addresses: LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookupAll(host, { all: true, verbatim: true });
  } catch (error) {
    throw new EndpointError(`${url.hostname} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'DNS error'}).`);
  }
  for (const { address } of addresses) {
    const reason = refusal(address, url, policy);
    if (reason) throw new EndpointError(reason);
  }
  return addresses;
}

/**
 * A `lookup` for http.request that connects only to addresses it has checked, so a name that resolves
 * to a public address when the subscription is made and to 169.254.169.254 at delivery (DNS rebinding)
 * is still refused.
 */
export function checkedLookup(url: URL, policy: EndpointPolicy): LookupFunction {
  return (hostname, options, callback) => {
    checkEndpointAddresses(url, policy).then(
      (addresses) => {
        const family = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (options.all) callback(null, usable);
        else if (usable[0]) callback(null, usable[0].address, usable[0].family);
        else callback(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }), '', 0);
      },
      (error: Error) => callback(Object.assign(error, { code: 'EREFUSED' }), '', 0),
    );
  };
}
