-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Subgraph" (
    "name" TEXT NOT NULL,
    "team" TEXT NOT NULL,
    "routingUrl" TEXT NOT NULL,
    "currentVersion" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Subgraph_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "SubgraphVersion" (
    "id" SERIAL NOT NULL,
    "subgraphName" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "sdl" TEXT NOT NULL,
    "sdlHash" TEXT NOT NULL,
    "routingUrl" TEXT NOT NULL,
    "publishedBy" TEXT NOT NULL,
    "author" TEXT,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SubgraphVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupergraphVersion" (
    "version" INTEGER NOT NULL,
    "sdl" TEXT NOT NULL,
    "sdlHash" TEXT NOT NULL,
    "subgraphName" TEXT NOT NULL,
    "subgraphVersion" INTEGER NOT NULL,
    "publishedBy" TEXT NOT NULL,
    "author" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SupergraphVersion_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "SupergraphMember" (
    "supergraphVersion" INTEGER NOT NULL,
    "subgraphVersionId" INTEGER NOT NULL,

    CONSTRAINT "SupergraphMember_pkey" PRIMARY KEY ("supergraphVersion","subgraphVersionId")
);

-- CreateTable
CREATE TABLE "FieldUsage" (
    "hour" TIMESTAMP(3) NOT NULL,
    "coordinate" TEXT NOT NULL,
    "operationName" TEXT NOT NULL,
    "clientName" TEXT NOT NULL,
    "clientVersion" TEXT NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "FieldUsage_pkey" PRIMARY KEY ("hour","coordinate","operationName","clientName","clientVersion")
);

-- CreateIndex
CREATE UNIQUE INDEX "SubgraphVersion_subgraphName_version_key" ON "SubgraphVersion"("subgraphName", "version");

-- CreateIndex
CREATE INDEX "FieldUsage_coordinate_hour_idx" ON "FieldUsage"("coordinate", "hour");

-- AddForeignKey
ALTER TABLE "SubgraphVersion" ADD CONSTRAINT "SubgraphVersion_subgraphName_fkey" FOREIGN KEY ("subgraphName") REFERENCES "Subgraph"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupergraphMember" ADD CONSTRAINT "SupergraphMember_supergraphVersion_fkey" FOREIGN KEY ("supergraphVersion") REFERENCES "SupergraphVersion"("version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupergraphMember" ADD CONSTRAINT "SupergraphMember_subgraphVersionId_fkey" FOREIGN KEY ("subgraphVersionId") REFERENCES "SubgraphVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

