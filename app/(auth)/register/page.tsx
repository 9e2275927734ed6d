import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { RegisterForm } from '@/components/auth/register-form';
import { getCurrentUser } from '@/lib/auth';
import { safeCallbackUrl } from '@/lib/auth/validation';

export const metadata: Metadata = { title: 'Create account' };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Create your account</h1>
      <RegisterForm callbackUrl={callbackUrl} />
    </>
  );
}
