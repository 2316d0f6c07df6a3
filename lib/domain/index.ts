export * from "./calendar";
export * from "./groups";
export * from "./maintenance";
export * from "./parties";
export * from "./party-rule";
export * from "./quarter";
export * from "./resources";
export * from "./templates";
