#!/usr/bin/env node
// `npm start`: the server, from the compiled dist/ (see launch.mjs).
import { launch } from './launch.mjs';

await launch('main');
