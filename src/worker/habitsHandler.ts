/** Worker side of the habits messages (habitsProtocol.ts): model info, HDF5 import, imported list. */
import { describeError } from './errorKinds';
import type { HabitsRequest, HabitsResponse } from './habitsProtocol';
import type { WorkerRequest, WorkerResponse } from './protocol';
import { importH5 } from './importH5';
import { deleteModel, listModels } from './modelStore';
import { forgetModel, modelResidualizes, rememberModel } from './runAnalysis';

const HABITS_TYPES = new Set<string>(['model-info', 'import-h5', 'list-imported', 'remove-model']);

export function isHabitsRequest(msg: WorkerRequest): msg is HabitsRequest {
  return HABITS_TYPES.has(msg.type);
}

export async function handleHabits(msg: HabitsRequest, post: (m: WorkerResponse) => void): Promise<void> {
  try {
    post(await answer(msg, post));
  } catch (err) {
    const { kind, message } = describeError(err);
    post({ type: 'error', id: msg.id, kind, message });
  }
}

async function answer(msg: HabitsRequest, post: (m: WorkerResponse) => void): Promise<HabitsResponse> {
  switch (msg.type) {
    case 'model-info': {
      return { type: 'model-info', id: msg.id, info: { residualize: await modelResidualizes(msg.modelId) } };
    }
    case 'import-h5': {
      const { info, model } = await importH5(msg.fileName, msg.bytes, (p) => post({ type: 'progress', id: msg.id, ...p }));
      forgetModel(info.id); // a re-import of the same file name replaces the old one
      rememberModel(info.id, model, info.label);
      return { type: 'imported', id: msg.id, model: info };
    }
    case 'list-imported': {
      const models = await listModels().catch(() => []);
      return { type: 'imported-list', id: msg.id, models };
    }
    case 'remove-model': {
      forgetModel(msg.modelId);
      await deleteModel(msg.modelId).catch(() => undefined);
      return { type: 'removed', id: msg.id };
    }
  }
}
