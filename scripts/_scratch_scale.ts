import { benchDnnScale, DNN_SCALE_QUICK } from "./bench_dnn_scale.ts";
console.log(
  JSON.stringify(
    await benchDnnScale({ ...DNN_SCALE_QUICK, faces: Number(Deno.args[0] ?? 2000) }),
    null,
    1,
  ),
);
