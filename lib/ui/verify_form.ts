/**
 * The Verify view's upload: a multipart form with the two photos as fields `a` and `b`,
 * read within the upload cap before it is parsed.
 * @module
 */
import type { WireImage } from "../protocol/mod.ts";
import { HttpError } from "./http_error.ts";
import { readBody } from "./read_body.ts";

/** The two photos of a verify form, in order. */
export async function readVerifyForm(
  request: Request,
  maxUploadBytes: number,
): Promise<WireImage[]> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    throw new HttpError(
      400,
      "badRequest",
      `expected a multipart/form-data upload with photos "a" and "b", got ${type || "none"}`,
    );
  }
  const body = await readBody(request, maxUploadBytes);
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": type } }).formData();
  } catch (error) {
    throw new HttpError(400, "badRequest", "the upload is not a readable multipart form", {
      cause: error,
    });
  }
  const images: WireImage[] = [];
  for (const field of ["a", "b"]) {
    const file = form.get(field);
    if (!(file instanceof File) || file.size === 0) {
      throw new HttpError(
        400,
        "badRequest",
        `expected two photos, "a" and "b"; ${field} is missing`,
      );
    }
    images.push({
      ...(file.name ? { filename: file.name.slice(0, 255) } : {}),
      data: new Uint8Array(await file.arrayBuffer()),
    });
  }
  return images;
}
