#!/usr/bin/env node
// `npx onramp …` and `npm run cli -- …`: the operator CLI, from the compiled dist/ (see launch.mjs).
import { launch } from './launch.mjs';

await launch('cli/index');
