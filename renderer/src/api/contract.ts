/** The control-API contract, types only: the renderer never imports engine code. */
export type * from '../../../engine/src/api/index';
