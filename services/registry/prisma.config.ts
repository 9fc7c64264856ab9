import { defineServiceConfig } from "../../prisma/define-service-config.ts";

export default defineServiceConfig("registry");
