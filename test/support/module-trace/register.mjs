// `--import` this file (with UCSP_MODULE_TRACE set) to record which modules a process loads.
import { register } from 'node:module';

register(new URL('./hooks.mjs', import.meta.url));
