;; The predict-time hot loop of Eigenfaces and Fisherfaces: out[r] = basis[r] . x for the
;; K rows of a row-major K x D float32 basis. Built into wasm/projection_wasm.ts by
;; `deno run -A scripts/build_wasm.ts` (wabt); a test checks the two agree.
;;
;; Two memories: the basis lives in an imported shared memory, so that every prediction
;; worker reads one copy of it; the query (x, f32[D]) and the result (out, f64[K]) live in
;; this instance's own memory. Four rows are done per pass so that each load of x serves
;; four products, with two f32x4 accumulators per row (eight independent add chains hide
;; the add latency). Lanes are summed in f64.
(module
  (import "model" "basis" (memory $basis 1 65536 shared))
  (memory $scratch (export "scratch") 1)

  (func $hsum (param $v v128) (result f64)
    (f64.add
      (f64.add
        (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v)))
        (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
      (f64.add
        (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v)))
        (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v))))))

  ;; The tail of a row past its last multiple of 4 floats, in f64: byte offsets $from..$to.
  (func $tail (param $row i32) (param $x i32) (param $from i32) (param $to i32) (result f64)
    (local $s f64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $s
          (f64.add (local.get $s)
            (f64.mul
              (f64.promote_f32 (f32.load $basis (i32.add (local.get $row) (local.get $from))))
              (f64.promote_f32 (f32.load $scratch (i32.add (local.get $x) (local.get $from)))))))
        (local.set $from (i32.add (local.get $from) (i32.const 4)))
        (br $next)))
    (local.get $s))

  ;; Rows at $p0, $p0 + $stride, ... (four of them) into out[0..3] at $out.
  (func $rows4 (param $p0 i32) (param $stride i32) (param $x i32) (param $d i32) (param $out i32)
    (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $i i32) (local $end8 i32) (local $end4 i32) (local $end i32)
    (local $xa v128) (local $xb v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $p1 (i32.add (local.get $p0) (local.get $stride)))
    (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
    (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
    (local.set $end (i32.shl (local.get $d) (i32.const 2)))
    (local.set $end8 (i32.and (local.get $end) (i32.const -32)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $done8
      (loop $next8
        (br_if $done8 (i32.ge_u (local.get $i) (local.get $end8)))
        (local.set $xa (v128.load $scratch (i32.add (local.get $x) (local.get $i))))
        (local.set $xb (v128.load $scratch offset=16 (i32.add (local.get $x) (local.get $i))))
        (local.set $a0 (f32x4.add (local.get $a0)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p0) (local.get $i))) (local.get $xa))))
        (local.set $b0 (f32x4.add (local.get $b0)
          (f32x4.mul (v128.load $basis offset=16 (i32.add (local.get $p0) (local.get $i)))
            (local.get $xb))))
        (local.set $a1 (f32x4.add (local.get $a1)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p1) (local.get $i))) (local.get $xa))))
        (local.set $b1 (f32x4.add (local.get $b1)
          (f32x4.mul (v128.load $basis offset=16 (i32.add (local.get $p1) (local.get $i)))
            (local.get $xb))))
        (local.set $a2 (f32x4.add (local.get $a2)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p2) (local.get $i))) (local.get $xa))))
        (local.set $b2 (f32x4.add (local.get $b2)
          (f32x4.mul (v128.load $basis offset=16 (i32.add (local.get $p2) (local.get $i)))
            (local.get $xb))))
        (local.set $a3 (f32x4.add (local.get $a3)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p3) (local.get $i))) (local.get $xa))))
        (local.set $b3 (f32x4.add (local.get $b3)
          (f32x4.mul (v128.load $basis offset=16 (i32.add (local.get $p3) (local.get $i)))
            (local.get $xb))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $next8)))
    (if (i32.lt_u (local.get $i) (local.get $end4))
      (then
        (local.set $xa (v128.load $scratch (i32.add (local.get $x) (local.get $i))))
        (local.set $a0 (f32x4.add (local.get $a0)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p0) (local.get $i))) (local.get $xa))))
        (local.set $a1 (f32x4.add (local.get $a1)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p1) (local.get $i))) (local.get $xa))))
        (local.set $a2 (f32x4.add (local.get $a2)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p2) (local.get $i))) (local.get $xa))))
        (local.set $a3 (f32x4.add (local.get $a3)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p3) (local.get $i))) (local.get $xa))))
        (local.set $i (local.get $end4))))
    (f64.store $scratch (local.get $out)
      (f64.add (f64.add (call $hsum (local.get $a0)) (call $hsum (local.get $b0)))
        (call $tail (local.get $p0) (local.get $x) (local.get $i) (local.get $end))))
    (f64.store $scratch offset=8 (local.get $out)
      (f64.add (f64.add (call $hsum (local.get $a1)) (call $hsum (local.get $b1)))
        (call $tail (local.get $p1) (local.get $x) (local.get $i) (local.get $end))))
    (f64.store $scratch offset=16 (local.get $out)
      (f64.add (f64.add (call $hsum (local.get $a2)) (call $hsum (local.get $b2)))
        (call $tail (local.get $p2) (local.get $x) (local.get $i) (local.get $end))))
    (f64.store $scratch offset=24 (local.get $out)
      (f64.add (f64.add (call $hsum (local.get $a3)) (call $hsum (local.get $b3)))
        (call $tail (local.get $p3) (local.get $x) (local.get $i) (local.get $end)))))

  ;; One row at $p into out[0] at $out.
  (func $row1 (param $p i32) (param $x i32) (param $d i32) (param $out i32)
    (local $i i32) (local $end8 i32) (local $end4 i32) (local $end i32)
    (local $a v128) (local $b v128)
    (local.set $end (i32.shl (local.get $d) (i32.const 2)))
    (local.set $end8 (i32.and (local.get $end) (i32.const -32)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $done8
      (loop $next8
        (br_if $done8 (i32.ge_u (local.get $i) (local.get $end8)))
        (local.set $a (f32x4.add (local.get $a)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p) (local.get $i)))
            (v128.load $scratch (i32.add (local.get $x) (local.get $i))))))
        (local.set $b (f32x4.add (local.get $b)
          (f32x4.mul (v128.load $basis offset=16 (i32.add (local.get $p) (local.get $i)))
            (v128.load $scratch offset=16 (i32.add (local.get $x) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $next8)))
    (if (i32.lt_u (local.get $i) (local.get $end4))
      (then
        (local.set $a (f32x4.add (local.get $a)
          (f32x4.mul (v128.load $basis (i32.add (local.get $p) (local.get $i)))
            (v128.load $scratch (i32.add (local.get $x) (local.get $i))))))
        (local.set $i (local.get $end4))))
    (f64.store $scratch (local.get $out)
      (f64.add (f64.add (call $hsum (local.get $a)) (call $hsum (local.get $b)))
        (call $tail (local.get $p) (local.get $x) (local.get $i) (local.get $end)))))

  ;; out[r] = basis[r] . x for r < $k; $basis0 is the basis' byte offset in its memory,
  ;; $x and $out byte offsets in the scratch memory.
  (func (export "project")
    (param $basis0 i32) (param $k i32) (param $d i32) (param $x i32) (param $out i32)
    (local $r i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $d) (i32.const 2)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $k)))
        (call $rows4
          (i32.add (local.get $basis0) (i32.mul (local.get $r) (local.get $stride)))
          (local.get $stride) (local.get $x) (local.get $d)
          (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $next4)))
    (block $done1
      (loop $next1
        (br_if $done1 (i32.ge_u (local.get $r) (local.get $k)))
        (call $row1
          (i32.add (local.get $basis0) (i32.mul (local.get $r) (local.get $stride)))
          (local.get $x) (local.get $d)
          (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next1))))
)
