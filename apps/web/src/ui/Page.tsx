import type { ReactNode } from 'react';
import { Link } from 'wouter';
import './page.css';

/** The "V" mark beside the product name; decorative, the name next to it says it. */
export function BrandLogo() {
  return (
    <span className="brand-logo" aria-hidden="true">
      V
    </span>
  );
}

/**
 * The frame of the pages outside the workbench (projects, new project, settings, account): a sticky header
 * with the brand linking home, the page's `crumbs`, then its `actions` at the far end; `children` below it.
 */
export function Page({
  crumbs,
  actions,
  children,
}: {
  crumbs?: ReactNode;
  actions: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="page">
      <header className="page-header">
        <Link href="/" className="page-brand">
          <BrandLogo />
          Vaporform
        </Link>
        {crumbs}
        <span className="page-header-spacer" />
        {actions}
      </header>
      {children}
    </div>
  );
}
