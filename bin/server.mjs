#!/usr/bin/env node
// `npm start`: the server, from the compiled dist/ (see launch.mjs). package.json runs it with
// --max-semi-space-size=2: V8's young generation otherwise stays at ~30 MB committed after start-up
// (16 MB semi-spaces); 2 MB ones left an idle sandbox ~30 MB smaller with reads as fast in
// `npm run bench:read` (1 MB ones slowed reads by a third). docs/performance.md has the figures.
import { launch } from './launch.mjs';

await launch('main');
