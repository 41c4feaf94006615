import { benchEnroll, ENROLL_QUICK } from "./bench_enroll.ts";
console.log(JSON.stringify(await benchEnroll(ENROLL_QUICK), null, 1));
