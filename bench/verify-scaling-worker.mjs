// Worker of bench/verify-scaling.ts: registers the tsx loader in this thread, then runs the
// TypeScript worker body (the benchmark runs from sources, like the executor's own workers).
import { register } from 'tsx/esm/api';

register();
await import('./verify-scaling.ts');
