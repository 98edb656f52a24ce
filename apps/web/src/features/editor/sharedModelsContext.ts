import { createContext, useContext } from 'react';
import type { MonacoSharedModels } from './sharedModels';

export const SharedModelsContext = createContext<MonacoSharedModels | null>(null);

/** The Monaco side of co-editing, for the code editor to take part in. */
export function useSharedModels(): MonacoSharedModels | null {
  return useContext(SharedModelsContext);
}
