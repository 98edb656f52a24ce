import { useRef } from 'react';
import { usePreferences, useUpdatePreferences } from './preferences';

type Layout = Record<string, number>;

/**
 * A resizable group's sizes, kept in the user's preferences so the workbench looks the same in every
 * browser. Pass the result to react-resizable-panels' `Group` as `defaultLayout` and `onLayoutChanged`.
 */
export function usePanelLayout(id: string): {
  defaultLayout: Layout | undefined;
  onLayoutChanged: (layout: Layout) => void;
} {
  const preferences = usePreferences();
  const update = useUpdatePreferences();
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  return {
    defaultLayout: preferences.layout[id],
    onLayoutChanged: (layout) => {
      clearTimeout(saveTimer.current);
      // Dragging a separator reports every step; save once the hand stops.
      saveTimer.current = setTimeout(() => {
        const rounded = Object.fromEntries(
          Object.entries(layout).map(([panel, size]) => [panel, Math.round(size * 10) / 10]),
        );
        update({ layout: { ...preferences.layout, [id]: rounded } });
      }, 500);
    },
  };
}
