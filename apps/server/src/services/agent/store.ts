import type {
  CheckResult,
  ReviewStatus,
  Thread,
  ToolCall,
  Turn,
  TurnStatus,
  Usage,
} from '@vaporform/contracts';
import { sql, type ColumnType, type Selectable } from 'kysely';
import type { SharedDb } from '../../platform/db/openDatabase.js';
import type { LlmMessage } from './providers/llmProvider.js';

type FileDiff = Turn['fileDiffs'][number];

/** A review-mode turn's proposal as stored: the contents it would write, kept until each file is decided. */
export interface StoredReview {
  files: { path: string; status: ReviewStatus; before: string | null; after: string }[];
}

type Json<T> = ColumnType<T, string | undefined, string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

interface ThreadsTable {
  id: string;
  project_id: string;
  title: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

interface TurnsTable {
  id: string;
  thread_id: string;
  project_id: string;
  user_id: string;
  seq: number;
  status: TurnStatus;
  message: string;
  text: Defaulted<string>;
  tool_calls: Json<ToolCall[]>;
  changed_files: Json<string[]>;
  file_diffs: Json<FileDiff[]>;
  usage: Json<Usage>;
  checks: Json<CheckResult[]>;
  review: Json<StoredReview | null>;
  transcript: Json<LlmMessage[]>;
  checkpoint_id: Defaulted<string | null>;
  error: Defaulted<string | null>;
  model: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  finished_at: Defaulted<Date | null>;
}

type AgentTables = { agent_threads: ThreadsTable; agent_turns: TurnsTable };

export const emptyUsage: Usage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0,
};

/** What a finished or running turn changes on its row. */
export interface TurnUpdate {
  status?: TurnStatus;
  text?: string;
  toolCalls?: ToolCall[];
  changedFiles?: string[];
  fileDiffs?: FileDiff[];
  usage?: Usage;
  checks?: CheckResult[];
  review?: StoredReview | null;
  transcript?: LlmMessage[];
  checkpointId?: string | null;
  error?: string | null;
  finishedAt?: Date | null;
}

/** Persistence of threads and turns (`agent_threads`, `agent_turns`, migration 0005_agent.sql). */
export class AgentStore {
  private readonly db;

  constructor(shared: SharedDb) {
    this.db = shared.withTables<AgentTables>();
  }

  async createThread(input: { id: string; projectId: string; title: string }): Promise<Thread> {
    const row = await this.db
      .insertInto('agent_threads')
      .values({ id: input.id, project_id: input.projectId, title: input.title })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toThread(row);
  }

  async thread(projectId: string, threadId: string): Promise<Thread | undefined> {
    const row = await this.db
      .selectFrom('agent_threads')
      .selectAll()
      .where('id', '=', threadId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row && toThread(row);
  }

  async threads(projectId: string): Promise<Thread[]> {
    const rows = await this.db
      .selectFrom('agent_threads')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('updated_at', 'desc')
      .limit(200)
      .execute();
    return rows.map(toThread);
  }

  /**
   * Inserts the turn as the thread's next, its `seq` computed in the same statement; the unique (thread, seq)
   * makes two at once fail, not interleave.
   */
  async insertTurn(input: {
    id: string;
    threadId: string;
    projectId: string;
    userId: string;
    message: string;
    model: string;
    /** The thread was created for this turn: its `updated_at` is already now. */
    newThread?: boolean;
  }): Promise<Turn> {
    const nextSeq = this.db
      .selectFrom('agent_turns')
      .select(sql<number>`coalesce(max(seq), 0) + 1`.as('seq'))
      .where('thread_id', '=', input.threadId);
    const [row] = await Promise.all([
      this.db
        .insertInto('agent_turns')
        .values({
          id: input.id,
          thread_id: input.threadId,
          project_id: input.projectId,
          user_id: input.userId,
          seq: nextSeq,
          status: 'running',
          message: input.message,
          usage: JSON.stringify(emptyUsage),
          model: input.model,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
      input.newThread
        ? undefined
        : this.db
            .updateTable('agent_threads')
            .set({ updated_at: new Date() })
            .where('id', '=', input.threadId)
            .execute(),
    ]);
    return toTurn(row);
  }

  async updateTurn(turnId: string, update: TurnUpdate): Promise<void> {
    await this.db
      .updateTable('agent_turns')
      .set({
        ...(update.status === undefined ? {} : { status: update.status }),
        ...(update.text === undefined ? {} : { text: update.text }),
        ...(update.toolCalls === undefined ? {} : { tool_calls: JSON.stringify(update.toolCalls) }),
        ...(update.changedFiles === undefined ? {} : { changed_files: JSON.stringify(update.changedFiles) }),
        ...(update.fileDiffs === undefined ? {} : { file_diffs: JSON.stringify(update.fileDiffs) }),
        ...(update.usage === undefined ? {} : { usage: JSON.stringify(update.usage) }),
        ...(update.checks === undefined ? {} : { checks: JSON.stringify(update.checks) }),
        ...(update.review === undefined ? {} : { review: JSON.stringify(update.review) }),
        ...(update.transcript === undefined ? {} : { transcript: JSON.stringify(update.transcript) }),
        ...(update.checkpointId === undefined ? {} : { checkpoint_id: update.checkpointId }),
        ...(update.error === undefined ? {} : { error: update.error }),
        ...(update.finishedAt === undefined ? {} : { finished_at: update.finishedAt }),
      })
      .where('id', '=', turnId)
      .execute();
  }

  async turn(
    projectId: string,
    turnId: string,
  ): Promise<(Turn & { seq: number; storedReview: StoredReview | null }) | undefined> {
    const row = await this.db
      .selectFrom('agent_turns')
      .selectAll()
      .where('id', '=', turnId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row && { ...toTurn(row), seq: row.seq, storedReview: row.review ?? null };
  }

  async turns(threadId: string): Promise<Turn[]> {
    const rows = await this.db
      .selectFrom('agent_turns')
      .selectAll()
      .where('thread_id', '=', threadId)
      .orderBy('seq')
      .execute();
    return rows.map(toTurn);
  }

  /**
   * The model messages of the thread's turns, one list per turn, oldest first: the conversation a new turn
   * continues. A running turn's own transcript is still empty, so it may be included.
   */
  async transcript(threadId: string): Promise<LlmMessage[][]> {
    const rows = await this.db
      .selectFrom('agent_turns')
      .select('transcript')
      .where('thread_id', '=', threadId)
      .orderBy('seq')
      .execute();
    return rows.map((row) => row.transcript).filter((messages) => messages.length > 0);
  }

  /** Removes the turn and every later one in its thread (rewind). */
  async deleteFrom(threadId: string, seq: number): Promise<void> {
    await this.db
      .deleteFrom('agent_turns')
      .where('thread_id', '=', threadId)
      .where('seq', '>=', seq)
      .execute();
  }

  /** US dollars spent on turns since `since`, by one user or in one project. */
  async spentSince(filter: { userId: string } | { projectId: string }, since: Date): Promise<number> {
    let query = this.db
      .selectFrom('agent_turns')
      .select(sql<string>`coalesce(sum((usage->>'costUsd')::float8), 0)`.as('spent'))
      .where('created_at', '>=', since);
    query =
      'userId' in filter
        ? query.where('user_id', '=', filter.userId)
        : query.where('project_id', '=', filter.projectId);
    const row = await query.executeTakeFirst();
    return Number(row?.spent ?? 0);
  }

  /** Turns left `running` by a server that stopped mid-turn: they cannot go on, so they failed. */
  async failInterrupted(): Promise<number> {
    const result = await this.db
      .updateTable('agent_turns')
      .set({ status: 'failed', error: 'The server restarted during this turn', finished_at: new Date() })
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

function toThread(row: {
  id: string;
  project_id: string;
  title: string;
  created_at: Date;
  updated_at: Date;
}): Thread {
  return {
    id: row.id,
    projectId: row.project_id,
    title: row.title,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toTurn(row: Selectable<TurnsTable>): Turn {
  return {
    id: row.id,
    threadId: row.thread_id,
    projectId: row.project_id,
    userId: row.user_id,
    status: row.status,
    message: row.message,
    text: row.text,
    toolCalls: row.tool_calls,
    changedFiles: row.changed_files,
    fileDiffs: row.file_diffs,
    usage: row.usage,
    // Rows from before migration 0007 have the column's default; a database without it still reads.
    checks: row.checks ?? [],
    checkpointId: row.checkpoint_id,
    review: row.review ? publicReview(row.review) : null,
    approval: null,
    error: row.error,
    model: row.model,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** The proposal as clients see it: paths and decisions; the contents stay on the server (diffs are in the turn). */
export function publicReview(review: StoredReview): NonNullable<Turn['review']> {
  return { files: review.files.map(({ path, status }) => ({ path, status })) };
}
