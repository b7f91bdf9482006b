// Placeholder until the phone app's pages land (web/src/m/main.ts is the lead's file).
export {}
