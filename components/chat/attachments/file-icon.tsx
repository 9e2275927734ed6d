/** A sheet with a folded corner: a file that is not shown as a picture. Decorative; the name is beside it. */
export function FileIcon({ className = '' }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinejoin="round" className={className}>
      <path d="M6 2.75h8.25L19.25 7.75V20.5a.75.75 0 0 1-.75.75h-12.5a.75.75 0 0 1-.75-.75v-17a.75.75 0 0 1 .75-.75Z" />
      <path d="M14 2.75v5h5.25" />
    </svg>
  );
}
