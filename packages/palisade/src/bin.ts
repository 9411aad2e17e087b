#!/usr/bin/env node
import { main } from '@palisade/cli';
import { registerPath } from './register-path.js';

process.exitCode = await main(process.argv.slice(2), { registerPath });
