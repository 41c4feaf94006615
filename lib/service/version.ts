/** The facerec release, reported by `stats`. */
export const VERSION = "0.1.0";
