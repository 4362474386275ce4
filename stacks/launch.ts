import { join } from 'path';
import { runWithCodeCache } from './engine/code-cache';

// What cdktf.json runs (`node dist/app/launch.js`): the bundled app entry (dist/app/main.js, see
// stacks/main.ts), loaded with a V8 code cache.
runWithCodeCache(join(__dirname, 'main.js'));
