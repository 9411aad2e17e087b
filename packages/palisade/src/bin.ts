#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { main } from '@palisade/cli';
import { bundledOr } from '@palisade/core';

// The bundled preload when the build made it (it starts faster), else the module itself.
const registerPath = fileURLToPath(bundledOr(new URL('./register.js', import.meta.url)));
process.exitCode = await main(process.argv.slice(2), { registerPath });
