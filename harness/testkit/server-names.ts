/** The host part of a server name, without its port (server ACLs match hosts, never ports). */
export function hostOf(serverName: string): string {
  const ipv6 = /^\[[^\]]+\]/.exec(serverName);
  if (ipv6) return ipv6[0];
  const colon = serverName.lastIndexOf(':');
  return colon >= 0 ? serverName.slice(0, colon) : serverName;
}
