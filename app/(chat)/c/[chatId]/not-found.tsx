import Link from 'next/link';

export default function ChatNotFound() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 p-8 text-center">
      <h1 className="text-xl font-semibold">Chat not found</h1>
      <p className="text-muted">This chat does not exist or you are not a member.</p>
      <Link href="/" className="font-semibold text-accent underline">
        Back to your chats
      </Link>
    </div>
  );
}
