export default function ChatHome() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-2 p-8 text-center">
      <h1 className="text-xl font-semibold">Welcome to Parley</h1>
      <p className="max-w-sm text-muted">Search for someone by name to start a conversation, create a new group, or pick a chat from the list.</p>
    </div>
  );
}
