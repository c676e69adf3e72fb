#!/usr/bin/env node
// The compiled daemon; `pnpm run build` (or `npm start`) produces it.
import '../dist/main.js';
