import type { ButtonHTMLAttributes } from 'react';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'ghost' };

const variants = {
  primary: 'bg-accent text-accent-ink hover:opacity-90',
  ghost: 'text-ink hover:bg-surface-alt',
};

export function Button({ variant = 'primary', className = '', type = 'button', ...props }: ButtonProps) {
  return (
    <button
      type={type}
      className={`inline-flex items-center justify-center gap-2 rounded-lg px-4 py-2 text-sm font-semibold disabled:opacity-60 ${variants[variant]} ${className}`}
      {...props}
    />
  );
}
