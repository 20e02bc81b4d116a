// Worker bootstrap when the executor runs from TypeScript sources: register the tsx
// loader in this worker thread, then expose the task module's named exports.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./tasks.worker.ts');

export const verify = tasks.verify;
export const apply = tasks.apply;
