-- CreateTable
CREATE TABLE "CheckRun" (
    "id" SERIAL NOT NULL,
    "subgraphName" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "sdlHash" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "report" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CheckRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RouterReport" (
    "replicaId" TEXT NOT NULL,
    "supergraphVersion" INTEGER,
    "supergraphHash" TEXT,
    "subgraphs" JSONB NOT NULL,
    "reportedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RouterReport_pkey" PRIMARY KEY ("replicaId")
);

-- CreateIndex
CREATE INDEX "CheckRun_createdAt_idx" ON "CheckRun"("createdAt");
