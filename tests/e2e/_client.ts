export { jsonClient as client } from "../../scripts/lib/json_client.ts";

export const DATASETS = new URL("../../../shared/datasets/", import.meta.url).pathname;
export const orl = (person: number, image: number) => `${DATASETS}orl/s${person}/${image}.pgm`;
