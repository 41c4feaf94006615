import { DNN_QUICK, endToEnd } from "./bench_dnn.ts";
console.log(JSON.stringify(await endToEnd({ ...DNN_QUICK }), null, 1));
