import { z } from 'zod';

export const IdSchema = z.string().uuid();
export const IsoDateSchema = z.iso.datetime({ offset: true });
export const IdParamsSchema = z.strictObject({ id: IdSchema });
