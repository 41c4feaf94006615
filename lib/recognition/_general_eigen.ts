/**
 * Eigen-decomposition of a real non-symmetric matrix: Householder reduction to Hessenberg
 * form, then shifted QR iterations to real Schur form and back-substitution for the vectors
 * (Martin & Wilkinson's orthes/hqr2, Handbook for Automatic Computation vol. II, as in
 * EISPACK and the public-domain JAMA library).
 *
 * LDA needs this for `inv(Sw) * Sb`. The vectors are deliberately NOT normalised: each one is
 * scaled as hqr2's back-substitution leaves it (unit component on its Schur diagonal entry),
 * which is also what OpenCV's LDA hands to Fisherfaces. That scale enters the L2 distances,
 * so matching it is part of matching OpenCV's predictions.
 *
 * @module
 */
import { type Matrix, matrix } from "./_matrix.ts";

/** Eigenvalues `real[k] + i*imag[k]` and eigenvectors as columns (real/imag parts for pairs). */
export interface GeneralEigen {
  readonly real: Float64Array;
  readonly imag: Float64Array;
  /** Column k belongs to eigenvalue k (as in EISPACK, complex pairs share two columns). */
  readonly vectors: Matrix;
}

/** Eigenvalues and (unnormalised) eigenvectors of the square matrix `a`. */
export function generalEigen(a: Matrix): GeneralEigen {
  const n = a.rows;
  if (a.cols !== n) {
    throw new TypeError(`generalEigen: expected a square matrix, got ${n}x${a.cols}`);
  }
  const h = Float64Array.from(a.data);
  const v = new Float64Array(n * n);
  const d = new Float64Array(n), e = new Float64Array(n);
  if (n > 0) {
    hessenberg(h, v, n);
    schur(h, v, d, e, n);
  }
  return { real: d, imag: e, vectors: matrix(n, n, v) };
}

function hessenberg(h: Float64Array, v: Float64Array, n: number): void {
  const high = n - 1;
  const ort = new Float64Array(n);
  for (let m = 1; m <= high - 1; m++) {
    let scale = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(h[i * n + m - 1]!);
    if (scale === 0) continue;
    let hh = 0;
    for (let i = high; i >= m; i--) {
      ort[i] = h[i * n + m - 1]! / scale;
      hh += ort[i]! * ort[i]!;
    }
    let g = Math.sqrt(hh);
    if (ort[m]! > 0) g = -g;
    hh -= ort[m]! * g;
    ort[m] = ort[m]! - g;
    for (let j = m; j < n; j++) {
      let f = 0;
      for (let i = high; i >= m; i--) f += ort[i]! * h[i * n + j]!;
      f /= hh;
      for (let i = m; i <= high; i++) h[i * n + j] = h[i * n + j]! - f * ort[i]!;
    }
    for (let i = 0; i <= high; i++) {
      let f = 0;
      for (let j = high; j >= m; j--) f += ort[j]! * h[i * n + j]!;
      f /= hh;
      for (let j = m; j <= high; j++) h[i * n + j] = h[i * n + j]! - f * ort[j]!;
    }
    ort[m] = scale * ort[m]!;
    h[m * n + m - 1] = scale * g;
  }
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let m = high - 1; m >= 1; m--) {
    const hm = h[m * n + m - 1]!;
    if (hm === 0) continue;
    for (let i = m + 1; i <= high; i++) ort[i] = h[i * n + m - 1]!;
    for (let j = m; j <= high; j++) {
      let g = 0;
      for (let i = m; i <= high; i++) g += ort[i]! * v[i * n + j]!;
      g = (g / ort[m]!) / hm; // two divisions avoid underflow
      for (let i = m; i <= high; i++) v[i * n + j] = v[i * n + j]! + g * ort[i]!;
    }
  }
}

/** Complex division (xr + i xi) / (yr + i yi). */
function cdiv(xr: number, xi: number, yr: number, yi: number): [number, number] {
  if (Math.abs(yr) > Math.abs(yi)) {
    const r = yi / yr, dv = yr + r * yi;
    return [(xr + r * xi) / dv, (xi - r * xr) / dv];
  }
  const r = yr / yi, dv = yi + r * yr;
  return [(r * xr + xi) / dv, (r * xi - xr) / dv];
}

function schur(H: Float64Array, V: Float64Array, d: Float64Array, e: Float64Array, nn: number) {
  const low = 0, high = nn - 1;
  const eps = 2 ** -52;
  let n = nn - 1;
  let exshift = 0;
  let p = 0, q = 0, r = 0, s = 0, z = 0, t: number, w: number, x: number, y: number;

  let norm = 0;
  for (let i = 0; i < nn; i++) {
    for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H[i * nn + j]!);
  }

  let iter = 0;
  while (n >= low) {
    // Find a negligible sub-diagonal element.
    let l = n;
    while (l > low) {
      s = Math.abs(H[(l - 1) * nn + l - 1]!) + Math.abs(H[l * nn + l]!);
      if (s === 0) s = norm;
      if (Math.abs(H[l * nn + l - 1]!) < eps * s) break;
      l--;
    }
    if (l === n) {
      // One root.
      H[n * nn + n] = H[n * nn + n]! + exshift;
      d[n] = H[n * nn + n]!;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // Two roots.
      w = H[n * nn + n - 1]! * H[(n - 1) * nn + n]!;
      p = (H[(n - 1) * nn + n - 1]! - H[n * nn + n]!) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      H[n * nn + n] = H[n * nn + n]! + exshift;
      H[(n - 1) * nn + n - 1] = H[(n - 1) * nn + n - 1]! + exshift;
      x = H[n * nn + n]!;
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = d[n - 1]!;
        if (z !== 0) d[n] = x - w / z;
        e[n - 1] = 0;
        e[n] = 0;
        x = H[n * nn + n - 1]!;
        s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        r = Math.sqrt(p * p + q * q);
        p /= r;
        q /= r;
        for (let j = n - 1; j < nn; j++) {
          z = H[(n - 1) * nn + j]!;
          H[(n - 1) * nn + j] = q * z + p * H[n * nn + j]!;
          H[n * nn + j] = q * H[n * nn + j]! - p * z;
        }
        for (let i = 0; i <= n; i++) {
          z = H[i * nn + n - 1]!;
          H[i * nn + n - 1] = q * z + p * H[i * nn + n]!;
          H[i * nn + n] = q * H[i * nn + n]! - p * z;
        }
        for (let i = low; i <= high; i++) {
          z = V[i * nn + n - 1]!;
          V[i * nn + n - 1] = q * z + p * V[i * nn + n]!;
          V[i * nn + n] = q * V[i * nn + n]! - p * z;
        }
      } else {
        d[n - 1] = x + p;
        d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      // Form the shift.
      x = H[n * nn + n]!;
      y = 0;
      w = 0;
      if (l < n) {
        y = H[(n - 1) * nn + n - 1]!;
        w = H[n * nn + n - 1]! * H[(n - 1) * nn + n]!;
      }
      if (iter === 10) {
        // Wilkinson's exceptional shift.
        exshift += x;
        for (let i = low; i <= n; i++) H[i * nn + i] = H[i * nn + i]! - x;
        s = Math.abs(H[n * nn + n - 1]!) + Math.abs(H[(n - 1) * nn + n - 2]!);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {
        // MATLAB's exceptional shift.
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = low; i <= n; i++) H[i * nn + i] = H[i * nn + i]! - s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > 1000 * nn) throw new RangeError("generalEigen: QR iterations did not converge");

      // Look for two consecutive small sub-diagonal elements.
      let m = n - 2;
      while (m >= l) {
        z = H[m * nn + m]!;
        r = x - z;
        s = y - z;
        p = (r * s - w) / H[(m + 1) * nn + m]! + H[m * nn + m + 1]!;
        q = H[(m + 1) * nn + m + 1]! - z - r - s;
        r = H[(m + 2) * nn + m + 1]!;
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (
          Math.abs(H[m * nn + m - 1]!) * (Math.abs(q) + Math.abs(r)) <
            eps * (Math.abs(p) *
                (Math.abs(H[(m - 1) * nn + m - 1]!) + Math.abs(z) +
                  Math.abs(H[(m + 1) * nn + m + 1]!)))
        ) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        H[i * nn + i - 2] = 0;
        if (i > m + 2) H[i * nn + i - 3] = 0;
      }

      // Double QR step on rows l..n and columns m..n.
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = H[k * nn + k - 1]!;
          q = H[(k + 1) * nn + k - 1]!;
          r = notlast ? H[(k + 2) * nn + k - 1]! : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x !== 0) {
            p /= x;
            q /= x;
            r /= x;
          }
        }
        if (x === 0) break;
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s !== 0) {
          if (k !== m) H[k * nn + k - 1] = -s * x;
          else if (l !== m) H[k * nn + k - 1] = -H[k * nn + k - 1]!;
          p += s;
          x = p / s;
          y = q / s;
          z = r / s;
          q /= p;
          r /= p;
          for (let j = k; j < nn; j++) {
            p = H[k * nn + j]! + q * H[(k + 1) * nn + j]!;
            if (notlast) {
              p += r * H[(k + 2) * nn + j]!;
              H[(k + 2) * nn + j] = H[(k + 2) * nn + j]! - p * z;
            }
            H[k * nn + j] = H[k * nn + j]! - p * x;
            H[(k + 1) * nn + j] = H[(k + 1) * nn + j]! - p * y;
          }
          for (let i = 0; i <= Math.min(n, k + 3); i++) {
            p = x * H[i * nn + k]! + y * H[i * nn + k + 1]!;
            if (notlast) {
              p += z * H[i * nn + k + 2]!;
              H[i * nn + k + 2] = H[i * nn + k + 2]! - p * r;
            }
            H[i * nn + k] = H[i * nn + k]! - p;
            H[i * nn + k + 1] = H[i * nn + k + 1]! - p * q;
          }
          for (let i = low; i <= high; i++) {
            p = x * V[i * nn + k]! + y * V[i * nn + k + 1]!;
            if (notlast) {
              p += z * V[i * nn + k + 2]!;
              V[i * nn + k + 2] = V[i * nn + k + 2]! - p * r;
            }
            V[i * nn + k] = V[i * nn + k]! - p;
            V[i * nn + k + 1] = V[i * nn + k + 1]! - p * q;
          }
        }
      }
    }
  }

  if (norm === 0) return;

  // Back-substitute to find the vectors of the upper triangular form.
  for (n = nn - 1; n >= 0; n--) {
    p = d[n]!;
    q = e[n]!;
    if (q === 0) {
      let l = n;
      H[n * nn + n] = 1;
      for (let i = n - 1; i >= 0; i--) {
        w = H[i * nn + i]! - p;
        r = 0;
        for (let j = l; j <= n; j++) r += H[i * nn + j]! * H[j * nn + n]!;
        if (e[i]! < 0) {
          z = w;
          s = r;
        } else {
          l = i;
          if (e[i] === 0) {
            H[i * nn + n] = w !== 0 ? -r / w : -r / (eps * norm);
          } else {
            x = H[i * nn + i + 1]!;
            y = H[(i + 1) * nn + i]!;
            q = (d[i]! - p) * (d[i]! - p) + e[i]! * e[i]!;
            t = (x * s - z * r) / q;
            H[i * nn + n] = t;
            H[(i + 1) * nn + n] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
          }
          t = Math.abs(H[i * nn + n]!);
          if ((eps * t) * t > 1) {
            for (let j = i; j <= n; j++) H[j * nn + n] = H[j * nn + n]! / t;
          }
        }
      }
    } else if (q < 0) {
      let l = n - 1;
      if (Math.abs(H[n * nn + n - 1]!) > Math.abs(H[(n - 1) * nn + n]!)) {
        H[(n - 1) * nn + n - 1] = q / H[n * nn + n - 1]!;
        H[(n - 1) * nn + n] = -(H[n * nn + n]! - p) / H[n * nn + n - 1]!;
      } else {
        const [cr, ci] = cdiv(0, -H[(n - 1) * nn + n]!, H[(n - 1) * nn + n - 1]! - p, q);
        H[(n - 1) * nn + n - 1] = cr;
        H[(n - 1) * nn + n] = ci;
      }
      H[n * nn + n - 1] = 0;
      H[n * nn + n] = 1;
      for (let i = n - 2; i >= 0; i--) {
        let ra = 0, sa = 0;
        for (let j = l; j <= n; j++) {
          ra += H[i * nn + j]! * H[j * nn + n - 1]!;
          sa += H[i * nn + j]! * H[j * nn + n]!;
        }
        w = H[i * nn + i]! - p;
        if (e[i]! < 0) {
          z = w;
          r = ra;
          s = sa;
        } else {
          l = i;
          if (e[i] === 0) {
            const [cr, ci] = cdiv(-ra, -sa, w, q);
            H[i * nn + n - 1] = cr;
            H[i * nn + n] = ci;
          } else {
            x = H[i * nn + i + 1]!;
            y = H[(i + 1) * nn + i]!;
            let vr = (d[i]! - p) * (d[i]! - p) + e[i]! * e[i]! - q * q;
            const vi = (d[i]! - p) * 2 * q;
            if (vr === 0 && vi === 0) {
              vr = eps * norm *
                (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
            }
            const [cr, ci] = cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
            H[i * nn + n - 1] = cr;
            H[i * nn + n] = ci;
            if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
              H[(i + 1) * nn + n - 1] = (-ra - w * H[i * nn + n - 1]! + q * H[i * nn + n]!) / x;
              H[(i + 1) * nn + n] = (-sa - w * H[i * nn + n]! - q * H[i * nn + n - 1]!) / x;
            } else {
              const [dr, di] = cdiv(-r - y * H[i * nn + n - 1]!, -s - y * H[i * nn + n]!, z, q);
              H[(i + 1) * nn + n - 1] = dr;
              H[(i + 1) * nn + n] = di;
            }
          }
          t = Math.max(Math.abs(H[i * nn + n - 1]!), Math.abs(H[i * nn + n]!));
          if ((eps * t) * t > 1) {
            for (let j = i; j <= n; j++) {
              H[j * nn + n - 1] = H[j * nn + n - 1]! / t;
              H[j * nn + n] = H[j * nn + n]! / t;
            }
          }
        }
      }
    }
  }

  // Back-transform to the eigenvectors of the original matrix: V = V * H (upper triangle).
  const col = new Float64Array(nn);
  for (let j = nn - 1; j >= low; j--) {
    for (let k = 0; k <= Math.min(j, high); k++) col[k] = H[k * nn + j]!;
    for (let i = low; i <= high; i++) {
      let sum = 0;
      const row = i * nn;
      for (let k = low; k <= Math.min(j, high); k++) sum += V[row + k]! * col[k]!;
      V[row + j] = sum;
    }
  }
}
