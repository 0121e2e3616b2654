// The review lots and reviewer agreement endpoints of the quality screens, with their shapes
// (the server's ReviewLotRead, ReviewLotDetail and ReviewerAgreementRead schemas).
import { api } from './client';
import type { Id, Interval, Page } from './types';

export type LotStatus = 'filling' | 'sampling' | 'sampled' | 'accepted' | 'rejected';

export interface ReviewLot {
  id: Id;
  /** A Z1.4 acceptance lot (with an AQL), or a sampling pool. */
  kind: 'lot' | 'pool';
  status: LotStatus;
  lot_size: number;
  /** Items in the lot so far (a filling lot has fewer than lot_size). */
  item_count: number;
  aql: number | null;
  sample_size: number | null;
  accept: number | null;
  reject: number | null;
  judged: number;
  /** Defective sampled items: so far while sampling, final once decided. */
  failures: number;
  decision: 'accepted' | 'rejected' | null;
  created_at: string;
  decided_at: string | null;
}

export interface LotItem {
  item_id: Id;
  external_id: string;
  stage: string;
  sampled: boolean;
  judged: boolean;
  defective: boolean;
  review_outcome: string | null;
  rework_open: number;
  rework_done: number;
}

export type ReviewLotDetail = ReviewLot & { items: LotItem[]; next_cursor: string | null };

export interface ReviewerPair {
  reviewer_a: string;
  reviewer_b: string;
  shared: number;
  agreement: number | null;
  kappa: number | null;
}

export interface CodeAgreement {
  code: string;
  title: string | null;
  either: number;
  both: number;
  agreement: number | null;
  kappa: number | null;
}

export interface ReviewerAgreement {
  annotations_reviewed: number;
  reviewed_twice: number;
  percent_agreement: number | null;
  alpha: number | null;
  alpha_ci: Interval;
  accept_alpha: number | null;
  items_reviewed: number;
  items_reviewed_twice: number;
  share_reviewed_twice: number | null;
  verdict_agreement: number | null;
  kappa: number | null;
  pass_fail_agreement: number | null;
  pass_fail_kappa: number | null;
  verdicts: string[];
  /** First verdict (rows) × second verdict (columns), in the order of `verdicts`. */
  matrix: number[][];
  pairs: ReviewerPair[];
  codes: CodeAgreement[];
}

export const reviewLots = {
  list: (pid: Id, cursor?: string) => api.get<Page<ReviewLot>>(`/projects/${pid}/review/lots`, { query: { cursor, limit: 200 } }),
  get: (pid: Id, lot: Id, cursor?: string) => api.get<ReviewLotDetail>(`/projects/${pid}/review/lots/${lot}`, { query: { cursor, limit: 500 } }),
  /** Draws the sample of the filling lot now, whatever its size (the end of a project). */
  close: (pid: Id) => api.post<unknown>(`/projects/${pid}/review/batches/close`),
};

export const reviewerAgreement = {
  get: (pid: Id, nBoot = 1000) => api.get<ReviewerAgreement>(`/projects/${pid}/quality/reviewers`, { query: { n_boot: nBoot } }),
};
