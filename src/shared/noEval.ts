import * as z from 'zod';

// zod compiles fast parsers with `new Function`, which the page's CSP (no 'unsafe-eval') forbids.
z.config({ jitless: true });
