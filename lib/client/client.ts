/**
 * The facerec command-line client: parses a command, talks to the detector, prints the
 * outcome as text or JSON (schema in the README), and returns the exit status.
 *
 * The parts: parse_command.ts (flags to settings and a command), commands/ (what each
 * command does), render.ts (what it prints), context.ts (the call to the detector).
 * @module
 */
import { UsageError } from "../core/usage_error.ts";
import { UnavailableError } from "../transport/mod.ts";
import { enroll } from "./commands/enroll.ts";
import { identify } from "./commands/identify.ts";
import { manage } from "./commands/manage.ts";
import { simple } from "./commands/simple.ts";
import { verify } from "./commands/verify.ts";
import { type ClientIO, type Context, defaultIO } from "./context.ts";
import { EXIT } from "./exit.ts";
import { type Command, type Flags, parseCommand, readFlags } from "./parse_command.ts";
import { renderError, renderUsage } from "./render.ts";

export { EXIT } from "./exit.ts";
export type { ClientIO, SignalHooks } from "./context.ts";
export { fileError } from "./errors.ts";

/** What `client --help` prints. */
const HELP = `Usage: client [--detector HOST:PORT] [--json] <command>
Commands:
  enroll NAME IMAGE|DIR... [--largest] [--wait]
                                store a person's faces (directories are walked); each
                                image must show one face, or with --largest the largest
                                face is taken and the others ignored. The reply comes once
                                the faces are stored and in dnn and lbph; eigen and fisher
                                retrain in the background, unless --wait waits for them.
                                A face already stored for the person is a "duplicate", so
                                running an interrupted enroll again is safe.
  identify IMAGE [--algorithm dnn|eigen|fisher|lbph] [--threshold X] [--annotate OUT.png|.jpg]
                                name every face; --algorithm defaults to dnn, the one that
                                recognizes people on ordinary photos. eigen, fisher and
                                lbph (OpenCV's classics) work on tightly framed, evenly lit
                                faces like ORL's, but cannot tell strangers from enrolled
                                people on ordinary photos (docs/RECOGNITION.md)
  verify IMAGE IMAGE | verify IMAGE --name NAME [--algorithm A] [--threshold X]
                                is this the same person? The largest face of each photo
                                is compared with the other, or with NAME's nearest stored
                                face. Exit 0 same, 3 different, 2 a photo has no face.
                                Two photos need dnn (default) or lbph
  list                          people and their face counts
  faces NAME                    a person's stored faces: id, time, source file, score
  rename OLD NEW                rename a person (refused if NEW is someone else's name)
  forget NAME                   remove a person entirely
  forget NAME --face ID         remove one stored face (ids from "faces NAME")
  export NAME DIR               write a person's stored faces to DIR/face-ID.png (the
                                aligned colour chip where stored, else the grey crop)
  stats                         version, counts and model states
Options:
  --detector HOST:PORT   the detector (default $FACEREC_DETECTOR or 127.0.0.1:7001)
  --token SECRET         shared token (default $FACEREC_TOKEN)
  --tls                  connect with TLS;  --ca FILE  trust this PEM CA (implies --tls)
  --timeout S            give up after S seconds (default 120)
  --json                 machine-readable output
Exit status: 0 ok (identify: someone recognized; verify: the same person), 2 no face
found, 3 faces but nobody recognized (verify: different people), 1 error, 64 usage error.`;

/** Runs the client with `args`; returns the exit status. */
export async function runClient(args: string[], io: ClientIO = defaultIO): Promise<number> {
  let flags: Flags;
  try {
    flags = readFlags(args);
  } catch (error) {
    renderUsage({ io, json: args.includes("--json") }, messageOf(error));
    return EXIT.usage;
  }
  if (flags.values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const output = { io, json: flags.values.json };
  let ctx: Context, command: Command;
  try {
    const invocation = await parseCommand(flags);
    ctx = { ...invocation.settings, io };
    command = invocation.command;
  } catch (error) {
    if (error instanceof UsageError) renderUsage(output, error.message);
    else renderError(output, "client", messageOf(error));
    return error instanceof UsageError ? EXIT.usage : EXIT.error;
  }
  try {
    return await run(ctx, command);
  } catch (error) {
    // A refusal raised on our side of the wire (the detector is unreachable) keeps its
    // protocol status; anything else failed in the client itself.
    renderError(
      output,
      error instanceof UnavailableError ? error.status : "client",
      messageOf(error),
    );
    return EXIT.error;
  }
}

function run(ctx: Context, command: Command): Promise<number> {
  switch (command.name) {
    case "enroll":
      return enroll(ctx, command);
    case "identify":
      return identify(ctx, command);
    case "verify":
      return verify(ctx, command);
    case "rename":
    case "faces":
    case "forgetFace":
    case "export":
      return manage(ctx, command);
    default:
      return simple(ctx, command);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
