-- AlterTable
ALTER TABLE "SubgraphVersion" ADD COLUMN     "approvedBy" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "forceReason" TEXT,
ADD COLUMN     "forcedChanges" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "SupergraphVersion" ADD COLUMN     "approvedBy" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "forceReason" TEXT,
ADD COLUMN     "forcedChanges" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "SchemaApproval" (
    "id" SERIAL NOT NULL,
    "subgraphName" TEXT NOT NULL,
    "sdlHash" TEXT NOT NULL,
    "team" TEXT NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SchemaApproval_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SchemaApproval_subgraphName_sdlHash_team_key" ON "SchemaApproval"("subgraphName", "sdlHash", "team");

-- CreateIndex
CREATE INDEX "FieldUsage_clientName_operationName_clientVersion_idx" ON "FieldUsage"("clientName", "operationName", "clientVersion");

-- Usage from callers the router could not identify (reported without a client name) no longer
-- counts: it would keep deciding checks until it aged out.
DELETE FROM "FieldUsage" WHERE "clientName" = '(unknown)';
