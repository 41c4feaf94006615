import { DATASETS } from "../_datasets.ts";
export { jsonClient as client } from "../../scripts/lib/json_client.ts";
export { DATASETS };

export const orl = (person: number, image: number) => `${DATASETS}orl/s${person}/${image}.pgm`;
