/** Small 16 px line icons in the current text colour (the explorer must not depend on Monaco's codicons). */
const paths = {
  newFile: 'M9.5 1.5H4a1 1 0 0 0-1 1v11a1 1 0 0 0 1 1h4M9.5 1.5 13 5v3M9.5 1.5V5H13M12 10v5M9.5 12.5h5',
  newFolder:
    'M1.5 3.5a1 1 0 0 1 1-1h3.6l1.5 1.5h5.9a1 1 0 0 1 1 1V8M1.5 3.5v9a1 1 0 0 0 1 1H8M12 10v5M9.5 12.5h5',
  upload: 'M8 11V2.5M4.5 6 8 2.5 11.5 6M2.5 10.5v3h11v-3',
  download: 'M8 2.5V11M4.5 7.5 8 11l3.5-3.5M2.5 10.5v3h11v-3',
  refresh: 'M13 8a5 5 0 1 1-1.5-3.6M13 2.5v2.5h-2.5',
  collapse: 'M3.5 2.5h9v11h-9zM5.5 8h5',
  chevron: 'M6 4l4 4-4 4',
  file: 'M9.5 1.5H4a1 1 0 0 0-1 1v11a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V5L9.5 1.5zM9.5 1.5V5H13',
  folder: 'M1.5 3.5a1 1 0 0 1 1-1h3.6l1.5 1.5h5.9a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1z',
  folderOpen: 'M1.5 12.5v-9a1 1 0 0 1 1-1h3.6l1.5 1.5h5a1 1 0 0 1 1 1V6M1.5 12.5 3.5 7h11l-2 5.5z',
  link: 'M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 0 1 3.5 3.5l-1 1M9 11.5l-1 1a2.5 2.5 0 0 1-3.5-3.5l1-1',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg
      className={`explorer-icon ${className ?? ''}`}
      width="16"
      height="16"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={paths[name]} />
    </svg>
  );
}
