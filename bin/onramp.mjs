#!/usr/bin/env node
// `npm run cli -- …` or `node bin/onramp.mjs …` in a clone (not `npx onramp`: that registry name is
// an unrelated package): the operator CLI, from the compiled dist/ (see launch.mjs).
import { launch } from './launch.mjs';

await launch('cli/index');
