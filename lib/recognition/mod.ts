export * from "./recognizer.ts";
